import Foundation
import GRDB
import Testing
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
}
