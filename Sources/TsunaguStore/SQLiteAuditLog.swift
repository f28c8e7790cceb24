import Crypto
import Foundation
import GRDB
public import TsunaguCore

/// The audit log on SQLite: appended within the caller's transaction, so an action and its record commit
/// together; each entry chained to the one before by SHA-256.
public struct SQLiteAuditLog: Sendable {
    /// What ``verify()`` found.
    public struct Verification: Sendable, Hashable, Codable {
        /// Entries checked.
        public var entries: Int
        /// The first entry whose hash does not match its fields and its predecessor, or whose sequence is not
        /// the next one; `nil` when the whole chain holds.
        public var firstBroken: Int64?

        public var holds: Bool { firstBroken == nil }

        public init(entries: Int, firstBroken: Int64?) {
            self.entries = entries
            self.firstBroken = firstBroken
        }
    }

    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    public func entries() async throws -> [AuditEntry] {
        try await database.writer.read { db in try Self.entries(in: db) }
    }

    /// Recomputes the chain from the first entry.
    public func verify() async throws -> Verification {
        let entries = try await self.entries()
        var previous = ""
        for (index, entry) in entries.enumerated() {
            guard entry.sequence == Int64(index + 1), entry.hash == Self.hash(entry, after: previous) else {
                return Verification(entries: entries.count, firstBroken: entry.sequence)
            }
            previous = entry.hash
        }
        return Verification(entries: entries.count, firstBroken: nil)
    }

    /// Appends an entry within the caller's write transaction.
    @discardableResult
    static func append(actor: String, action: String, caseID: String? = nil, detail: String? = nil, in db: Database) throws -> AuditEntry {
        let last = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1")
        var entry = AuditEntry(
            sequence: (last?["sequence"] as Int64? ?? 0) + 1, at: Int64(Date().timeIntervalSince1970 * 1000), actor: actor,
            action: action, caseID: caseID, detail: detail, hash: "")
        entry.hash = hash(entry, after: last?["hash"] ?? "")
        try db.execute(
            sql: "INSERT INTO audit_log (sequence, at, actor, action, case_id, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [entry.sequence, entry.at, entry.actor, entry.action, entry.caseID, entry.detail, entry.hash])
        return entry
    }

    static func hash(_ entry: AuditEntry, after previous: String) -> String {
        let digest = SHA256.hash(data: Array(previous.utf8) + entry.chainedFields)
        return digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    private static func entries(in db: Database) throws -> [AuditEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY sequence").map { row in
            AuditEntry(
                sequence: row["sequence"], at: row["at"], actor: row["actor"], action: row["action"], caseID: row["case_id"],
                detail: row["detail"], hash: row["hash"])
        }
    }
}
