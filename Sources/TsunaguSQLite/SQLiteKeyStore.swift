import Foundation
import GRDB
public import TsunaguCore

/// The wrapped keys of a database on SQLite (see ``KeyStore``).
public struct SQLiteKeyStore: KeyStore {
    /// The names callers used before the rows moved to the core.
    public typealias KeyringRow = KeyringEntry
    public typealias CaseKeyRow = WrappedCaseKey

    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    public func keyring() async throws -> [KeyringRow] {
        try await database.writer.read { db in try Self.keyring(in: db) }
    }

    public func add(_ rows: [KeyringRow], bootstrapFingerprint: String?) async throws {
        try await database.writer.write { db in
            let wasEmpty = try Self.keyring(in: db).isEmpty
            for row in rows {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO keyring (fingerprint, name, wrapped) VALUES (?, ?, ?)",
                    arguments: [row.fingerprint, row.name, Data(row.wrapped)])
            }
            if wasEmpty, let bootstrapFingerprint {
                try db.execute(sql: "UPDATE case_key SET fingerprint = ? WHERE fingerprint IS NULL", arguments: [bootstrapFingerprint])
            }
        }
    }

    public func rewrap(
        _ transform: @escaping @Sendable ([KeyringRow], [CaseKeyRow]) throws -> (keyring: [KeyringRow], caseKeys: [CaseKeyRow])
    ) async throws -> Int {
        try await database.writer.write { db in
            let caseKeys = try Row.fetchAll(db, sql: "SELECT case_id, fingerprint, wrapped_key FROM case_key").map { row in
                CaseKeyRow(caseID: row["case_id"], fingerprint: row["fingerprint"], wrapped: Array(row["wrapped_key"] as Data))
            }
            let (keyring, rewrapped) = try transform(try Self.keyring(in: db), caseKeys)
            try db.execute(sql: "DELETE FROM keyring")
            for row in keyring {
                try db.execute(
                    sql: "INSERT INTO keyring (fingerprint, name, wrapped) VALUES (?, ?, ?)",
                    arguments: [row.fingerprint, row.name, Data(row.wrapped)])
            }
            for key in rewrapped {
                try db.execute(
                    sql: "UPDATE case_key SET fingerprint = ?, wrapped_key = ? WHERE case_id = ?",
                    arguments: [key.fingerprint, Data(key.wrapped), key.caseID])
            }
            return rewrapped.count
        }
    }

    private static func keyring(in db: Database) throws -> [KeyringRow] {
        try Row.fetchAll(db, sql: "SELECT fingerprint, name, wrapped FROM keyring ORDER BY fingerprint, name").map { row in
            KeyringRow(fingerprint: row["fingerprint"], name: row["name"], wrapped: Array(row["wrapped"] as Data))
        }
    }
}
