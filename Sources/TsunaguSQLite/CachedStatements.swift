import Foundation
import GRDB
import TsunaguCore

/// Statements the answering path runs for every event, compiled once per connection and kept.
///
/// `Database.execute(sql:)` and `fetchOne(db, sql:)` parse and authorise their SQL on every call; under load that
/// was a tenth of the server's CPU. These take the statement from the connection's cache instead. Only for SQL
/// that is one fixed statement: each distinct string stays in the cache for the connection's life.
extension Database {
    func execute(cached sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension Row {
    static func fetchOne(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchAll(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension DatabaseValueConvertible {
    static func fetchOne(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchAll(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

/// ``StoreStatement``s (the SQL both backends share), bound with `?` and run from the connection's cache.
extension StoreStatement {
    var sqlite: (sql: String, arguments: StatementArguments) {
        let (sql, values) = rendered { _ in "?" }
        return (
            sql,
            StatementArguments(
                values.map { value -> (any DatabaseValueConvertible)? in
                    switch value {
                    case .integer(let integer): integer
                    case .text(let text): text
                    case .bytes(let bytes): Data(bytes)
                    }
                })
        )
    }
}

extension Database {
    /// Runs `statement`; returns how many rows it changed.
    @discardableResult
    func run(_ statement: StoreStatement) throws -> Int {
        let (sql, arguments) = statement.sqlite
        try execute(cached: sql, arguments: arguments)
        return changesCount
    }
}

extension Row {
    static func fetchAll(_ db: Database, statement: StoreStatement) throws -> [Row] {
        let (sql, arguments) = statement.sqlite
        return try fetchAll(db, cached: sql, arguments: arguments)
    }
}

extension DatabaseValueConvertible {
    static func fetchAll(_ db: Database, statement: StoreStatement) throws -> [Self] {
        let (sql, arguments) = statement.sqlite
        return try fetchAll(db, cached: sql, arguments: arguments)
    }

    static func fetchOne(_ db: Database, statement: StoreStatement) throws -> Self? {
        let (sql, arguments) = statement.sqlite
        return try fetchOne(db, cached: sql, arguments: arguments)
    }
}
