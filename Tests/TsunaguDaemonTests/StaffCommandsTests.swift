import Foundation
import GRDB
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguTesting

/// `tsunagud staff` and `tsunagud audit`, run as processes.
@Suite("tsunagud staff and audit")
struct StaffCommandsTests {
    @Test("staff add prints a token once, list never shows it, revoke and every change are audited and verified")
    func staffLifecycle() async throws {
        let directory = try TemporaryDirectory()
        let environment = DaemonProcess.environment(database: directory.path("tsunagu.sqlite"))

        let added = try await runDaemonCommand(["staff", "add", "sato", "--role", "counsellor"], environment: environment)
        #expect(added.status == 0, "\(added.stderr)")
        let token = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("tsu_") && token.count == 47)
        let again = try await runDaemonCommand(["staff", "add", "sato", "--role", "admin"], environment: environment)
        #expect(again.status == 1 && again.stderr.contains("exists already"))
        let badRole = try await runDaemonCommand(["staff", "add", "kato", "--role", "boss"], environment: environment)
        #expect(badRole.status == 2, "usage errors exit 2 (got \(badRole.status))")
        #expect(badRole.stderr.contains("counsellor', 'supervisor' or 'admin'"))

        let listed = try await runDaemonCommand(["staff", "list", "--json"], environment: environment)
        #expect(listed.status == 0 && listed.stdout.contains(#""name":"sato""#) && listed.stdout.contains(#""role":"counsellor""#))
        #expect(!listed.stdout.contains(token))

        #expect(try await runDaemonCommand(["staff", "revoke", "sato"], environment: environment).status == 0)
        #expect(try await runDaemonCommand(["staff", "revoke", "sato"], environment: environment).status == 1)

        let audit = try await runDaemonCommand(["audit", "--json"], environment: environment)
        #expect(audit.stdout.contains(#""action":"staff.add""#) && audit.stdout.contains(#""action":"staff.revoke""#))
        #expect(!audit.stdout.contains(token))
        let holding = try await runDaemonCommand(["audit", "--verify"], environment: environment)
        #expect(holding.status == 0 && holding.stdout.contains("2 entries"), "\(holding.stdout)")
        #expect(holding.stdout.contains("All 2 entries were checked with the audit key"), "\(holding.stdout)")
        let head = try #require(holding.stdout.firstMatch(of: /head ([0-9a-f]{64})/)?.1).description
        #expect(try await runDaemonCommand(["audit", "--verify", "--expect-head", head], environment: environment).status == 0)

        // Removing the newest entry leaves a chain that holds, but without the saved head.
        let truncator = try DatabaseQueue(path: directory.path("tsunagu.sqlite"))
        try await truncator.write { db in
            try db.execute(sql: "CREATE TEMP TABLE kept AS SELECT * FROM audit_log WHERE sequence < 2")
            try db.execute(sql: "DELETE FROM audit_log WHERE sequence = 2")
        }
        try truncator.close()
        #expect(try await runDaemonCommand(["audit", "--verify"], environment: environment).status == 0)
        let truncated = try await runDaemonCommand(["audit", "--verify", "--expect-head", head], environment: environment)
        #expect(truncated.status == 1 && truncated.stderr.contains("no longer contains the head"), "\(truncated.stderr)")

        let intruder = try DatabaseQueue(path: directory.path("tsunagu.sqlite"))
        try await intruder.write { db in try db.execute(sql: "UPDATE audit_log SET actor = 'someone' WHERE sequence = 1") }
        try intruder.close()
        let verified = try await runDaemonCommand(["audit", "--verify"], environment: environment)
        #expect(verified.status == 1 && verified.stderr.contains("from entry 1 on"))
    }

    @Test("the audit chain is keyed: a rewrite rechained without the key fails, passing it all off as old shows, and no key writes nothing")
    func keyedAuditChain() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("tsunagu.sqlite")
        let environment = DaemonProcess.environment(database: path)
        for name in ["sato", "suzuki"] {
            #expect(try await runDaemonCommand(["staff", "add", name, "--role", "counsellor"], environment: environment).status == 0)
        }
        let holding = try await runDaemonCommand(["audit", "--verify"], environment: environment)
        let head = try #require(holding.stdout.firstMatch(of: /head ([0-9a-f]{64})/)?.1).description

        // Without the data key nothing is added (the audit entry could not be chained), and nothing verified.
        var keyless = environment
        keyless["TSUNAGU_DATA_KEY"] = nil
        let refused = try await runDaemonCommand(["staff", "add", "kato", "--role", "counsellor"], environment: keyless)
        #expect(refused.status == 1 && refused.stderr.contains("needs the data key"), "\(refused.stderr)")
        #expect(try await runDaemonCommand(["staff", "list", "--json"], environment: environment).stdout.contains("kato") == false)
        #expect(try await runDaemonCommand(["audit", "--verify"], environment: keyless).status == 1)

        // Someone who can write the file, but has no key, rewrites the second entry and recomputes the chain.
        func rewrite(from: Int64, as version: AuditChain.Version) async throws {
            let intruder = try DatabaseQueue(path: path)
            try await intruder.write { db in
                var entries = try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY sequence").map { row in
                    AuditEntry(
                        sequence: row["sequence"], at: row["at"], actor: row["actor"], action: row["action"], caseID: row["case_id"],
                        detail: row["detail"], hash: row["hash"], chainVersion: row["chain_version"])
                }
                entries[1].detail = "suzuki as admin"
                for entry in AuditForgery.rechained(entries, from: from, as: version) {
                    try db.execute(
                        sql: "UPDATE audit_log SET detail = ?, hash = ?, chain_version = ? WHERE sequence = ?",
                        arguments: [entry.detail, entry.hash, entry.chainVersion, entry.sequence])
                }
            }
            try intruder.close()
        }
        try await rewrite(from: 2, as: .keyed)
        let forged = try await runDaemonCommand(["audit", "--verify"], environment: environment)
        #expect(forged.status == 1 && forged.stderr.contains("from entry 2 on"), "\(forged.stderr)")
        try await rewrite(from: 2, as: .unkeyed)
        #expect(try await runDaemonCommand(["audit", "--verify"], environment: environment).status == 1, "an old entry after a keyed one")
        // The whole chain passed off as written before the keying: it says so, and the saved head is gone.
        try await rewrite(from: 1, as: .unkeyed)
        let downgraded = try await runDaemonCommand(["audit", "--verify"], environment: environment)
        #expect(downgraded.stdout.contains("Entries 1 to 2 were written before the chain was keyed"), "\(downgraded.stdout)")
        let saved = try await runDaemonCommand(["audit", "--verify", "--expect-head", head], environment: environment)
        #expect(saved.status == 1 && saved.stderr.contains("no longer contains the head"), "\(saved.stderr)")
    }
}
