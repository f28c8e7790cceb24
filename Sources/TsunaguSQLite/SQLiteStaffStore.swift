import Foundation
import GRDB
public import TsunaguCore

/// Staff members and their token hashes on SQLite. Every change is written to the audit log in the same transaction.
public struct SQLiteStaffStore: StaffStore {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    /// Adds a member holding the token whose SHA-256 is `tokenHash`.
    public func add(name: String, role: StaffRole, tokenHash: [UInt8], by actor: String) async throws -> StaffMember {
        try await database.writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM staff WHERE name = ?", arguments: [name]) != true else {
                throw StaffNameTaken(name: name)
            }
            let member = StaffMember(name: name, role: role, createdAt: try SQLiteDatabase.now(in: db))
            try db.execute(
                sql: "INSERT INTO staff (name, role, token_hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name, role.rawValue, Data(tokenHash), member.createdAt])
            try SQLiteAuditLog.append(actor: actor, action: "staff.add", detail: "\(name) as \(role.rawValue)", chain: database.auditChain, in: db)
            return member
        }
    }

    public func list() async throws -> [StaffMember] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name, role, created_at, revoked_at FROM staff ORDER BY name").map(Self.member(from:))
        }
    }

    public func revoke(name: String, by actor: String) async throws -> Bool {
        try await database.writer.write { db in
            try db.execute(
                sql: "UPDATE staff SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                arguments: [try SQLiteDatabase.now(in: db), name])
            guard db.changesCount == 1 else { return false }
            try SQLiteAuditLog.append(actor: actor, action: "staff.revoke", detail: name, chain: database.auditChain, in: db)
            return true
        }
    }

    public func member(withTokenHash tokenHash: [UInt8]) async throws -> StaffMember? {
        try await database.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT name, role, created_at, revoked_at FROM staff WHERE token_hash = ? AND revoked_at IS NULL",
                arguments: [Data(tokenHash)]
            ).map(Self.member(from:))
        }
    }

    private static func member(from row: Row) -> StaffMember {
        StaffMember(
            name: row["name"], role: StaffRole(rawValue: row["role"]) ?? .counsellor, createdAt: row["created_at"],
            revokedAt: row["revoked_at"])
    }
}
