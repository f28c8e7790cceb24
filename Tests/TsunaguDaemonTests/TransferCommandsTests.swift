import Foundation
import LineSandbox
import Testing
import TsunaguCoreTesting
import TsunaguServer
import TsunaguTesting

/// `tsunagud export` and `import`: moving a SQLite deployment, with its conversations, onto PostgreSQL.
@Suite("tsunagud export and import", .serialized)
struct TransferCommandsTests {
    @Test(
        "a SQLite deployment moves to PostgreSQL: counts match, the audit chain holds, and a counsellor reads her words there",
        .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
    func movesToPostgres() async throws {
        let sandbox = LineSandbox(
            configuration: .init(
                now: RealTime.now, newID: RealTime.newID, accessToken: "transfer-token", channelSecret: TestSecrets.channelSecret))
        try await sandbox.serve { baseURL in
            let directory = try TemporaryDirectory()
            let (webhookPort, staffPort) = (try FreeLoopbackPort.find(), try FreeLoopbackPort.find())
            let extra = [
                "LINE_API_BASE_URL": baseURL, "LINE_CHANNEL_ACCESS_TOKEN": "transfer-token", "TSUNAGU_WEBHOOK_PORT": "\(webhookPort)",
                "TSUNAGU_STAFF_PORT": "\(staffPort)",
            ]
            let sqlite = DaemonProcess.environment(database: directory.path("t.sqlite"), extra: extra)
            let postgres = DaemonProcess.environment(database: try await TestPostgres.makeDatabaseURL(), extra: extra)

            // A deployment with two women in the queue, a member of staff and the audit entry adding them.
            let seeded = try await SeededDeployment.start(
                sandbox: sandbox, environment: sqlite, webhookPort: webhookPort, users: [71, 72], words: "引っ越しのことで相談したいです")
            let (token, daemon) = (seeded.token, seeded.daemon)
            daemon.kill(SIGTERM)
            #expect(try await daemon.waitForExit() == 0)

            let file = directory.path("tsunagu.transfer")
            let exported = try await runDaemonCommand(["export", "--output", file], environment: sqlite)
            #expect(exported.status == 0, "\(exported.stderr)")
            #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
            let contents = try String(contentsOfFile: file, encoding: .utf8)
            #expect(!contents.contains("引っ越し") && !contents.contains(TestSecrets.userID(71)), "the file holds only sealed words and ids")
            let again = try await runDaemonCommand(["export", "--output", file], environment: sqlite)
            #expect(again.status == 1 && again.stderr.contains(file), "an existing file is not replaced")

            // A file missing a row is refused, and leaves nothing behind: the real import below still finds the database empty.
            var lines = contents.split(separator: "\n", omittingEmptySubsequences: true)
            lines.remove(at: try #require(lines.lastIndex { $0.hasPrefix("case_message\t") }))
            let tampered = directory.path("tampered.transfer")
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: tampered))
            let short = try await runDaemonCommand(["import", "--input", tampered], environment: postgres)
            #expect(short.status == 1 && short.stderr.contains("case_message has"), "\(short.stderr)")

            let imported = try await runDaemonCommand(["import", "--input", file], environment: postgres)
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(imported.stdout.contains("every count matches and the audit chain holds"), "\(imported.stdout)")
            let twice = try await runDaemonCommand(["import", "--input", file], environment: postgres)
            #expect(twice.status == 1 && twice.stderr.contains("already holds data"), "\(twice.stderr)")
            for command in [["inbox", "--json"], ["outbox", "--json"], ["staff", "list", "--json"]] {
                let before = try await runDaemonCommand(command, environment: sqlite)
                let after = try await runDaemonCommand(command, environment: postgres)
                #expect(before.stdout == after.stdout && before.status == 0, "\(command) differs after the move")
            }
            #expect(try await runDaemonCommand(["audit", "--verify"], environment: postgres).status == 0)

            // On PostgreSQL, the same key opens what SQLite sealed: the counsellor claims a case and reads her words.
            #expect(try await SeededDeployment.counsellorReads("引っ越しのことで相談したいです", token: token, environment: postgres, staffPort: staffPort))
        }
    }

    @Test("export needs SQLite and import needs PostgreSQL, each said in one sentence; a file that is not an export is refused")
    func refusals() async throws {
        let directory = try TemporaryDirectory()
        let sqlite = DaemonProcess.environment(database: directory.path("t.sqlite"))
        let postgres = DaemonProcess.environment(database: "postgres://tsunagu:pw-s3cret@127.0.0.1:1/tsunagu?sslmode=disable")
        let export = try await runDaemonCommand(["export", "--output", directory.path("x")], environment: postgres)
        #expect(export.status == 1 && export.stderr.contains("reads a SQLite database") && !export.stderr.contains("pw-s3cret"))
        let load = try await runDaemonCommand(["import", "--input", directory.path("x")], environment: sqlite)
        #expect(load.status == 1 && load.stderr.contains("loads into PostgreSQL"))
        if TestPostgres.isAvailable {
            let junk = directory.path("junk")
            try Data("inbox_event\t{}\n".utf8).write(to: URL(fileURLWithPath: junk))
            let environment = DaemonProcess.environment(database: try await TestPostgres.makeDatabaseURL())
            let refused = try await runDaemonCommand(["import", "--input", junk], environment: environment)
            #expect(refused.status == 1 && refused.stderr.contains("is not a file written by tsunagud export"), "\(refused.stderr)")
        }
    }
}
