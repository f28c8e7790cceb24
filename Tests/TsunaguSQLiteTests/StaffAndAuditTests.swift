import Foundation
import GRDB
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguTesting

@Suite("Staff and the audit log")
struct StaffAndAuditTests {
    let directory: TemporaryDirectory
    let database: SQLiteDatabase

    init() throws {
        directory = try TemporaryDirectory()
        database = try SQLiteDatabase.open(path: directory.path("db.sqlite"), clock: RealTime.clock).chained(with: AuditForgery.testChain)
    }

    @Test("a member is found by the hash of their token until revoked; names are unique")
    func members() async throws {
        let staff = SQLiteStaffStore(database: database)
        let hash = Array(repeating: UInt8(7), count: 32)
        _ = try await staff.add(name: "sato", role: .counsellor, tokenHash: hash, by: "operator")
        #expect(try await staff.member(withTokenHash: hash)?.name == "sato")
        #expect(try await staff.member(withTokenHash: Array(repeating: 8, count: 32)) == nil)
        await #expect(throws: StaffNameTaken.self) {
            try await staff.add(name: "sato", role: .admin, tokenHash: Array(repeating: 9, count: 32), by: "operator")
        }
        #expect(try await staff.revoke(name: "sato", by: "operator"))
        #expect(try await !staff.revoke(name: "sato", by: "operator"))  // Already revoked.
        #expect(try await staff.member(withTokenHash: hash) == nil)
        let listed = try await staff.list()
        #expect(listed.map(\.name) == ["sato"] && listed[0].revokedAt != nil)
    }

    @Test("every staff change is in the chained audit log, and changing any entry is detected")
    func auditChain() async throws {
        let staff = SQLiteStaffStore(database: database)
        _ = try await staff.add(name: "sato", role: .counsellor, tokenHash: Array(repeating: 1, count: 32), by: "operator")
        _ = try await staff.add(name: "suzuki", role: .supervisor, tokenHash: Array(repeating: 2, count: 32), by: "operator")
        _ = try await staff.revoke(name: "sato", by: "operator")
        let log = SQLiteAuditLog(database: database)
        let entries = try await log.entries()
        #expect(entries.map(\.action) == ["staff.add", "staff.add", "staff.revoke"])
        #expect(entries.map(\.sequence) == [1, 2, 3])
        #expect(try await log.verify() == .init(entries: 3, firstBroken: nil))

        // Someone with access to the file rewrites the second entry.
        let intruder = try DatabaseQueue(path: database.path)
        try await intruder.write { db in try db.execute(sql: "UPDATE audit_log SET detail = 'suzuki as admin' WHERE sequence = 2") }
        #expect(try await log.verify() == .init(entries: 3, firstBroken: 2))
        // Or deletes it: the sequence has a gap and the next entry's chain no longer holds.
        try await intruder.write { db in try db.execute(sql: "DELETE FROM audit_log WHERE sequence = 2") }
        #expect(try await log.verify().firstBroken == 3)
        try intruder.close()
    }

    @Test("entries from before the chain was keyed verify the old way; a keyed entry rechained without the key does not")
    func keyedChainAfterUpgrade() async throws {
        // A log written by an earlier version: two unkeyed entries (chain_version 1, the migration's default).
        let intruder = try DatabaseQueue(path: database.path)
        try await intruder.write { db in
            for entry in AuditForgery.unkeyedEntries(["staff.add", "staff.revoke"]) {
                try db.execute(
                    sql: "INSERT INTO audit_log (sequence, at, actor, action, hash) VALUES (?, ?, ?, ?, ?)",
                    arguments: [entry.sequence, entry.at, entry.actor, entry.action, entry.hash])
            }
        }
        let staff = SQLiteStaffStore(database: database)
        _ = try await staff.add(name: "sato", role: .counsellor, tokenHash: Array(repeating: 1, count: 32), by: "operator")
        _ = try await staff.add(name: "suzuki", role: .counsellor, tokenHash: Array(repeating: 2, count: 32), by: "operator")
        let log = SQLiteAuditLog(database: database)
        #expect(try await log.entries().map(\.version) == [.unkeyed, .unkeyed, .keyed, .keyed])
        #expect(try await log.verify() == .init(entries: 4, firstBroken: nil, unkeyedEntries: 2))

        // Someone without the key rewrites the last entry and recomputes the chain, keyed or passed off as old
        // (the whole keyed tail passed off as old is caught only against a saved head: `audit --verify --expect-head`).
        for version in AuditChain.Version.allCases {
            var entries = try await log.entries()
            entries[3].detail = "suzuki as admin"
            let forged = AuditForgery.rechained(entries, from: 4, as: version)[3]
            try await intruder.write { db in
                try db.execute(
                    sql: "UPDATE audit_log SET detail = ?, hash = ?, chain_version = ? WHERE sequence = 4",
                    arguments: [forged.detail, forged.hash, forged.chainVersion])
            }
            #expect(try await log.verify().firstBroken == 4, "rechained as \(version)")
        }
        try intruder.close()
    }
}
