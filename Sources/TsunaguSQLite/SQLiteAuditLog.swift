import Foundation
import GRDB
public import TsunaguCore

/// The audit log on SQLite: appended within the caller's transaction, so an action and its record commit
/// together; each entry chained to the one before (``AuditChain``).
public struct SQLiteAuditLog: AuditLog {
    /// What ``AuditLog/verify()`` found (the name callers used before the chain moved to the core).
    public typealias Verification = AuditVerification

    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    public var chain: AuditChain { database.auditChain }

    public func entries() async throws -> [AuditEntry] {
        try await database.writer.read { db in try Self.entries(in: db) }
    }

    /// Appends an entry within the caller's write transaction, chained with `chain` (the database's).
    /// - Throws: ``AuditKeyMissing`` when the chain has no key; the caller's transaction then rolls back.
    @discardableResult
    static func append(
        actor: String, action: String, caseID: String? = nil, detail: String? = nil, chain: AuditChain, in db: Database
    ) throws -> AuditEntry {
        let last = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1")
        let entry = try chain.entry(
            after: last.map { (sequence: $0["sequence"], hash: $0["hash"]) }, at: try SQLiteDatabase.now(in: db),
            actor: actor, action: action, caseID: caseID, detail: detail)
        try db.execute(
            sql: "INSERT INTO audit_log (sequence, at, actor, action, case_id, detail, hash, chain_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [entry.sequence, entry.at, entry.actor, entry.action, entry.caseID, entry.detail, entry.hash, entry.chainVersion])
        return entry
    }

    static func entries(in db: Database) throws -> [AuditEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY sequence").map { row in
            AuditEntry(
                sequence: row["sequence"], at: row["at"], actor: row["actor"], action: row["action"], caseID: row["case_id"],
                detail: row["detail"], hash: row["hash"],
                // A backup from before `v13-keyed-audit` has no such column: every entry in it is unkeyed.
                chainVersion: row["chain_version"] ?? AuditChain.Version.unkeyed.rawValue)
        }
    }
}
