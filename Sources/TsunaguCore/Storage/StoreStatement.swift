/// SQL that both database backends run, written once: text with its values in place, which each backend binds its
/// own way (`?` on SQLite, `$1…` on PostgreSQL).
///
/// Where a rule can only be said in SQL (which cases are waiting, what erasure destroys), writing it in each backend's
/// query syntax made two copies that drifted apart unseen: the duplicates tool cannot match SQL that differs only in
/// its placeholders. A statement is written as an interpolated string; an interpolated `Int64` or `String` is a bound
/// value, never SQL text, and another statement or `sql:` (for fixed text such as ``QueueOrder``) is spliced in.
public struct StoreStatement: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// A value bound to the statement. A `NULL` is bound untyped on PostgreSQL, which infers its type from where it
    /// stands: fine in a `SET` or an `INSERT`, not as an operand of its own (`$1 IS NULL` cannot be typed).
    public enum Value: Sendable, Hashable {
        case integer(Int64?)
        case text(String?)
        case bytes([UInt8])
    }

    /// A piece of the statement: SQL text, or a value in its place.
    public enum Part: Sendable, Hashable {
        case sql(String)
        case value(Value)
    }

    public private(set) var parts: [Part]

    public init(stringLiteral sql: String) { parts = [.sql(sql)] }

    public init(stringInterpolation: StringInterpolation) { parts = stringInterpolation.parts }

    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        public init(literalCapacity: Int, interpolationCount: Int) { parts.reserveCapacity(2 * interpolationCount + 1) }

        public mutating func appendLiteral(_ literal: String) { parts.append(.sql(literal)) }
        public mutating func appendInterpolation(_ value: Int64) { parts.append(.value(.integer(value))) }
        public mutating func appendInterpolation(_ value: Int) { parts.append(.value(.integer(Int64(value)))) }
        public mutating func appendInterpolation(_ value: Int64?) { parts.append(.value(.integer(value))) }
        public mutating func appendInterpolation(_ value: String) { parts.append(.value(.text(value))) }
        public mutating func appendInterpolation(_ value: String?) { parts.append(.value(.text(value))) }
        public mutating func appendInterpolation(_ value: [UInt8]) { parts.append(.value(.bytes(value))) }
        public mutating func appendInterpolation(_ statement: StoreStatement) { parts += statement.parts }
        /// Fixed SQL text written in this codebase (an `ORDER BY` list), never a value from outside.
        public mutating func appendInterpolation(sql: String) { parts.append(.sql(sql)) }
    }

    /// The statement with `placeholder(n)` in the place of the n-th value (counted from 1), and its values in order.
    public func rendered(placeholder: (Int) -> String) -> (sql: String, values: [Value]) {
        var sql = ""
        var values: [Value] = []
        for part in parts {
            switch part {
            case .sql(let text): sql += text
            case .value(let value):
                values.append(value)
                sql += placeholder(values.count)
            }
        }
        return (sql, values)
    }
}
