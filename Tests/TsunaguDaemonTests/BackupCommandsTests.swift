import Foundation
import LineSandbox
import Testing
import TsunaguCoreTesting
import TsunaguServer
import TsunaguTesting

/// `tsunagud backup` and `restore`: the restore drill of a SQLite deployment, as an operator runs it.
@Suite("tsunagud backup and restore", .serialized)
struct BackupCommandsTests {
    @Test("a backup taken while serving restores into an empty folder: inbox, outbox and staff match, and a counsellor reads her words")
    func restoreDrill() async throws {
        let sandbox = LineSandbox(
            configuration: .init(
                now: RealTime.now, newID: RealTime.newID, accessToken: "backup-token", channelSecret: TestSecrets.channelSecret))
        try await sandbox.serve { baseURL in
            let directory = try TemporaryDirectory()
            let (webhookPort, staffPort) = (try FreeLoopbackPort.find(), try FreeLoopbackPort.find())
            let extra = [
                "LINE_API_BASE_URL": baseURL, "LINE_CHANNEL_ACCESS_TOKEN": "backup-token", "TSUNAGU_WEBHOOK_PORT": "\(webhookPort)",
                "TSUNAGU_STAFF_PORT": "\(staffPort)",
            ]
            let live = DaemonProcess.environment(database: directory.path("live/tsunagu.sqlite"), extra: extra)
            let restored = DaemonProcess.environment(database: directory.path("restored/tsunagu.sqlite"), extra: extra)

            // A deployment with two women in the queue, a member of staff and the audit entry adding them, all answered.
            let seeded = try await SeededDeployment.start(
                sandbox: sandbox, environment: live, webhookPort: webhookPort, users: [81, 82], words: "職場のことで相談したいです")
            let (token, daemon) = (seeded.token, seeded.daemon)

            // Online: the server is still running.
            let file = directory.path("tsunagu.backup")
            let backup = try await runDaemonCommand(["backup", "--output", file], environment: live)
            #expect(backup.status == 0 && backup.stdout.contains("audit chain intact (1 entry)"), "\(backup.stderr)")
            #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
            let again = try await runDaemonCommand(["backup", "--output", file], environment: live)
            #expect(again.status == 1 && again.stderr.contains(file) && again.stderr.split(separator: "\n").count == 1, "\(again.stderr)")
            let listings = [["inbox", "--json"], ["outbox", "--json"], ["staff", "list", "--json"]]
            var before: [String] = []
            for command in listings { before.append(try await runDaemonCommand(command, environment: live).stdout) }
            daemon.kill(SIGTERM)
            #expect(try await daemon.waitForExit() == 0)

            let restore = try await runDaemonCommand(["restore", file], environment: restored)
            #expect(restore.status == 0 && restore.stdout.contains("audit chain intact (1 entry)"), "\(restore.stderr)")
            for (command, expected) in zip(listings, before) {
                let after = try await runDaemonCommand(command, environment: restored)
                #expect(after.status == 0 && after.stdout == expected, "\(command) differs after the restore")
            }
            let twice = try await runDaemonCommand(["restore", file], environment: restored)
            #expect(twice.status == 1 && twice.stderr.contains("exists already"), "\(twice.stderr)")

            // The restored database opens with the same key: the counsellor claims a case and reads her words.
            #expect(try await SeededDeployment.counsellorReads("職場のことで相談したいです", token: token, environment: restored, staffPort: staffPort))
        }
    }

    @Test("on PostgreSQL, backup and restore refuse in one sentence naming the tool to use, without the password")
    func postgresRefused() async throws {
        let postgres = DaemonProcess.environment(database: "postgres://tsunagu:pw-s3cret@127.0.0.1:1/tsunagu?sslmode=disable")
        for (command, tool) in [(["backup", "--output", "/nonexistent/x"], "pg_dump"), (["restore", "/nonexistent/x"], "pg_restore")] {
            let result = try await runDaemonCommand(command, environment: postgres)
            #expect(result.status == 1 && result.stderr.contains(tool) && !result.stderr.contains("pw-s3cret"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }
}
