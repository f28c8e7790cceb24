import Foundation
import GRDB

/// The wrapped keys of a database: its keyring and every case's content key, for opening at start-up and for
/// rotating the master key. It stores only wrapped bytes; wrapping and unwrapping happen in the server.
public struct SQLiteKeyStore: Sendable {
    /// One keyring entry: a named key wrapped by the master key with `fingerprint`.
    public struct KeyringRow: Sendable, Hashable {
        public var fingerprint: String
        public var name: String
        public var wrapped: [UInt8]

        public init(fingerprint: String, name: String, wrapped: [UInt8]) {
            self.fingerprint = fingerprint
            self.name = name
            self.wrapped = wrapped
        }
    }

    /// One case's content key, wrapped by the master key with `fingerprint` (`nil`: the one before keyrings).
    public struct CaseKeyRow: Sendable, Hashable {
        public var caseID: String
        public var fingerprint: String?
        public var wrapped: [UInt8]

        public init(caseID: String, fingerprint: String?, wrapped: [UInt8]) {
            self.caseID = caseID
            self.fingerprint = fingerprint
            self.wrapped = wrapped
        }
    }

    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    public func keyring() async throws -> [KeyringRow] {
        try await database.writer.read { db in try Self.keyring(in: db) }
    }

    /// Adds keyring rows (an existing row with the same fingerprint and name is kept). When the keyring was
    /// empty, the case keys from before it existed are marked as wrapped by `bootstrapFingerprint`.
    public func add(_ rows: [KeyringRow], bootstrapFingerprint: String? = nil) async throws {
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

    /// Rewraps everything in one transaction: `transform` gets the keyring and every case key and returns
    /// the new keyring (which replaces the old one entirely) and the case keys to save. Returns how many case
    /// keys were saved. A server running meanwhile sees either all of the old or all of the new.
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
