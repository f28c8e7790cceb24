import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing
import TsunaguPostgres
import TsunaguSQLite
import TsunaguTesting

/// The backends the server-level suites run on, as test arguments: SQLite always, PostgreSQL where a server is
/// available (`scripts/test` starts one). A case that fails on either backend fails the suite.
enum HarnessBackend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static var available: [HarnessBackend] { TestPostgres.isAvailable ? allCases : [.sqlite] }

    var testDescription: String { rawValue }
}

/// The database under a ``TestHarness``.
enum HarnessDatabase: Sendable {
    case sqlite(SQLiteDatabase)
    case postgres(SharedDatabase, url: String)
}

/// One value of a row read by ``TestHarness/rows(_:)``, as either backend returns it.
enum StoredValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case bytes([UInt8])
    case boolean(Bool)

    var int: Int? {
        switch self {
        case .integer(let value): Int(value)
        case .text(let text): Int(text)
        default: nil
        }
    }

    var string: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// SQLite keeps booleans as 0 and 1, PostgreSQL as booleans.
    var bool: Bool? {
        switch self {
        case .boolean(let value): value
        case .integer(let value): value != 0
        default: nil
        }
    }

    /// SQLite returns a blob, PostgreSQL's JSON a `\x`-prefixed hex text.
    var bytes: [UInt8]? {
        switch self {
        case .bytes(let bytes): return bytes
        case .text(let text) where text.hasPrefix("\\x"):
            let hex = Array(text.utf8.dropFirst(2))
            return stride(from: 0, to: hex.count - 1, by: 2).compactMap { UInt8(String(decoding: hex[$0...$0 + 1], as: UTF8.self), radix: 16) }
        default: return nil
        }
    }
}

extension StoredValue: Decodable {
    /// From PostgreSQL's `row_to_json`: JSON's booleans, integers, strings and nulls (`bytea` comes as hex text).
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else {
            self = .text(try container.decode(String.self))
        }
    }
}

extension TestHarness {
    /// The rows `sql` selects, read through a connection of the test's own, by column name. The SQL must be valid
    /// on both backends (the suites on both use only plain selects).
    func rows(_ sql: String) async throws -> [[String: StoredValue]] {
        switch backing {
        case .sqlite(let database):
            let queue = try DatabaseQueue(
                path: database.path,
                configuration: {
                    var c = Configuration()
                    c.readonly = true
                    return c
                }())
            defer { try? queue.close() }
            return try await queue.read { db in
                try Row.fetchAll(db, sql: sql).map { row in
                    Dictionary(
                        uniqueKeysWithValues: zip(row.columnNames, row.databaseValues).map { name, value in
                            switch value.storage {
                            case .null: (name, StoredValue.null)
                            case .int64(let number): (name, .integer(number))
                            case .double(let number): (name, .integer(Int64(number)))
                            case .string(let text): (name, .text(text))
                            case .blob(let data): (name, .bytes(Array(data)))
                            }
                        })
                }
            }
        case .postgres(_, let url):
            let connection = try await TestPostgres.connect(to: url)
            do {
                var rows: [[String: StoredValue]] = []
                for try await json in try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT row_to_json(r)::text FROM (\(sql)) AS r"), logger: Logger(label: "test")
                ).decode(String.self) {
                    rows.append(try JSONDecoder().decode([String: StoredValue].self, from: Data(json.utf8)))
                }
                try await connection.close()
                return rows
            } catch {
                try? await connection.close()
                throw error
            }
        }
    }

    /// The first row's `column` of `sql`.
    func value(_ sql: String, _ column: String) async throws -> StoredValue {
        try await rows(sql).first?[column] ?? .null
    }

    /// Which of `needles` rest in the database: SQLite's files, or a dump of PostgreSQL's.
    func leftover(_ needles: [String]) async throws -> [String] {
        let bytes = needles.map { Array($0.utf8) }
        let found: [[UInt8]]
        switch backing {
        case .sqlite(let database): found = try await AtRest.leftover(bytes, in: database)
        case .postgres(_, let url): found = try await AtRest.leftover(bytes, inDumpOf: url)
        }
        return found.map { String(decoding: $0, as: UTF8.self) }
    }
}
