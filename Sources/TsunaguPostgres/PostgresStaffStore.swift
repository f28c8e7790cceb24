import Foundation
import Logging
import PostgresNIO
public import TsunaguCore

/// Staff members and their token hashes on PostgreSQL, shared by every instance. Each change and its audit
/// entry commit together.
public struct PostgresStaffStore: StaffStore {
    private let database: SharedDatabase

    public init(database: SharedDatabase) { self.database = database }

    public func add(name: String, role: StaffRole, tokenHash: [UInt8], by actor: String) async throws -> StaffMember {
        let logger = database.logger
        let member = StaffMember(name: name, role: role, createdAt: database.clock.now())
        return try await database.transaction { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO staff (name, role, token_hash, created_at)
                VALUES (\(name), \(role.rawValue), \(Data(tokenHash)), \(member.createdAt))
                ON CONFLICT (name) DO NOTHING
                RETURNING name
                """, logger: logger
            ).collect()
            guard !inserted.isEmpty else { throw StaffNameTaken(name: name) }
            try await PostgresAuditLog.append(
                actor: actor, action: "staff.add", detail: "\(name) as \(role.rawValue)", chain: database.auditChain,
                at: member.createdAt, on: connection, logger: logger)
            return member
        }
    }

    public func list() async throws -> [StaffMember] {
        let rows = try await database.client.query(
            "SELECT name, role, created_at, revoked_at FROM staff ORDER BY name", logger: database.logger)
        var members: [StaffMember] = []
        for try await (name, role, created, revoked) in rows.decode((String, String, Int64, Int64?).self) {
            members.append(StaffMember(name: name, role: StaffRole(rawValue: role) ?? .counsellor, createdAt: created, revokedAt: revoked))
        }
        return members
    }

    public func revoke(name: String, by actor: String) async throws -> Bool {
        let logger = database.logger
        return try await database.transaction { connection in
            let moment = database.clock.now()
            let revoked = try await connection.query(
                "UPDATE staff SET revoked_at = \(moment) WHERE name = \(name) AND revoked_at IS NULL RETURNING name",
                logger: logger
            ).collect()
            guard !revoked.isEmpty else { return false }
            try await PostgresAuditLog.append(
                actor: actor, action: "staff.revoke", detail: name, chain: database.auditChain, at: moment, on: connection, logger: logger)
            return true
        }
    }

    public func member(withTokenHash tokenHash: [UInt8]) async throws -> StaffMember? {
        let rows = try await database.client.query(
            """
            SELECT name, role, created_at, revoked_at FROM staff
            WHERE token_hash = \(Data(tokenHash)) AND revoked_at IS NULL
            """, logger: database.logger)
        for try await (name, role, created, revoked) in rows.decode((String, String, Int64, Int64?).self) {
            return StaffMember(name: name, role: StaffRole(rawValue: role) ?? .counsellor, createdAt: created, revokedAt: revoked)
        }
        return nil
    }

}

/// The audit log on PostgreSQL. Every instance appends to one chain: an append takes a transaction-scoped
/// advisory lock first, so appends from all instances follow one another, each reading the entry before it, and
/// the chain stays a line whatever runs at once.
public struct PostgresAuditLog: AuditLog {
    private let database: SharedDatabase

    /// The advisory-lock key of the chain's end (one for the whole log).
    static let chainLock: Int64 = 0x7473_7533_0000_0001  // "tsu3"

    public init(database: SharedDatabase) { self.database = database }

    public var chain: AuditChain { database.auditChain }

    public func entries() async throws -> [AuditEntry] {
        let rows = try await database.client.query(
            "SELECT sequence, at, actor, action, case_id, detail, hash, chain_version FROM audit_log ORDER BY sequence",
            logger: database.logger)
        var entries: [AuditEntry] = []
        for try await (sequence, at, actor, action, caseID, detail, hash, version) in rows.decode(
            (Int64, Int64, String, String, String?, String?, String, Int).self)
        {
            entries.append(
                AuditEntry(
                    sequence: sequence, at: at, actor: actor, action: action, caseID: caseID, detail: detail, hash: hash,
                    chainVersion: version))
        }
        return entries
    }

    /// Appends an entry within the caller's transaction on `connection`, chained with `chain` (the database's).
    /// - Throws: ``AuditKeyMissing`` when the chain has no key; the caller's transaction then rolls back.
    @discardableResult
    static func append(
        actor: String, action: String, caseID: String? = nil, detail: String? = nil, chain: AuditChain, at moment: Int64,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> AuditEntry {
        try await connection.query("SELECT pg_advisory_xact_lock(\(chainLock))", logger: logger)
        var last: (sequence: Int64, hash: String)?
        for try await row in try await connection.query(
            "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1", logger: logger
        ).decode((Int64, String).self) {
            last = row
        }
        let entry = try chain.entry(
            after: last, at: moment, actor: actor, action: action, caseID: caseID, detail: detail)
        try await connection.query(
            """
            INSERT INTO audit_log (sequence, at, actor, action, case_id, detail, hash, chain_version)
            VALUES (\(entry.sequence), \(entry.at), \(entry.actor), \(entry.action), \(entry.caseID), \(entry.detail), \(entry.hash),
                    \(entry.chainVersion))
            """, logger: logger)
        return entry
    }
}
