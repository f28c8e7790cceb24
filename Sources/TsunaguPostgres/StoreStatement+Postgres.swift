import PostgresNIO
import TsunaguCore

/// ``StoreStatement``s (the SQL both backends share) in PostgreSQL's queries, their values bound as `$n` parameters.
extension PostgresQuery.StringInterpolation {
    mutating func appendInterpolation(_ statement: StoreStatement) {
        for part in statement.parts {
            switch part {
            case .sql(let text): appendLiteral(text)
            case .value(.integer(let integer)): appendInterpolation(integer)
            case .value(.text(let text)): appendInterpolation(text)
            case .value(.bytes(let bytes)): appendInterpolation(ByteBuffer(bytes: bytes))
            }
        }
    }
}

extension PostgresQuery {
    init(_ statement: StoreStatement) {
        var query = StringInterpolation(literalCapacity: 0, interpolationCount: 0)
        query.appendInterpolation(statement)
        self.init(stringInterpolation: query)
    }
}

extension SharedDatabase {
    /// Runs `statement` (an `UPDATE` or `DELETE`) on the pool; returns how many rows it changed.
    func rowsChanged(by statement: StoreStatement) async throws -> Int {
        try await client.query("\(statement) RETURNING 1", logger: logger).collect().count
    }
}
