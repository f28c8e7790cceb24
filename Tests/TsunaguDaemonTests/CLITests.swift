import Foundation
import GRDB
import Testing
import TsunaguTesting

/// The `tsunagu` CLI against a running `tsunagud`, both as processes.
@Suite("tsunagu CLI")
struct CLITests {
    @Test("login checks the token and saves it owner-only; queue reads the staff API; bad tokens get one sentence")
    func loginAndQueue() async throws {
        let directory = try TemporaryDirectory()
        let environment = DaemonProcess.environment(database: directory.path("tsunagu.sqlite"))
        let added = try await runDaemonCommand(["staff", "add", "sato", "--role", "counsellor"], environment: environment)
        let token = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let daemon = try DaemonProcess(environment: environment)
        let port = try await daemon.port(of: "staff")
        let server = "http://127.0.0.1:\(port)"
        let home = ["XDG_CONFIG_HOME": directory.path("config"), "PATH": "/usr/bin:/bin"]

        let notLoggedIn = try await runCLI(["queue"], environment: home)
        #expect(notLoggedIn.status == 1 && notLoggedIn.stderr.contains("tsunagu login"))

        let login = try await runCLI(["login", "--server", server], environment: home, input: token + "\n")
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.stdout.contains("Logged in as sato (counsellor)."))
        let saved = directory.path("config") + "/tsunagu/login.json"
        #expect(try FileManager.default.attributesOfItem(atPath: saved)[.posixPermissions] as? Int == 0o600)

        let queue = try await runCLI(["queue"], environment: home)
        #expect(queue.status == 0 && queue.stdout.contains("No one is waiting."), "\(queue.stderr)")
        #expect(queue.stderr.isEmpty, "plain http:// to loopback needs no warning: \(queue.stderr)")

        // The token never goes on the command line, where ps shows it: there is no --token; a file works.
        #expect(try await runCLI(["login", "--server", server, "--token", token], environment: home).status == 2)
        let tokenFile = directory.path("token")
        try token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let fromFile = try await runCLI(["login", "--server", server, "--token-file", tokenFile], environment: home)
        #expect(fromFile.status == 0 && fromFile.stdout.contains("Logged in as sato"), "\(fromFile.stderr)")

        // Plain http:// to another machine (0.0.0.0 reaches this one, but names no loopback) works, with a warning.
        let remote = ["TSUNAGU_SERVER": "http://0.0.0.0:\(port)", "TSUNAGU_TOKEN": token, "PATH": "/usr/bin:/bin"]
        let plain = try await runCLI(["queue"], environment: remote)
        #expect(plain.status == 0 && plain.stderr.contains("warning") && plain.stderr.contains("https://"), "\(plain.stderr)")
        #expect(plain.stderr.components(separatedBy: "warning").count == 2, "warned more than once")
        let json = try await runCLI(["queue", "--json"], environment: home)
        #expect(json.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"cases":[],"waiting":{"emergency":0,"normal":0,"urgent":0}}"#)

        // A waiting case: the table shows its handle and triage record, never her chat's pseudonym.
        let database = try DatabaseQueue(path: directory.path("tsunagu.sqlite"))
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO triage_case (id, handle, conversation, opened_at, topic, urgency, priority, emergency, out_of_hours, queued_at)
                    VALUES ('case-1', 'K7QX', 'pseudonym-of-her-chat', 0, 'violence', 'now', 'emergency', 'violence', 1, 0)
                    """)
        }
        try database.close()
        let table = try await runCLI(["queue"], environment: home)
        #expect(table.stdout.contains("K7QX") && table.stdout.contains("EMERGENCY: violence"), "\(table.stdout)")
        #expect(!table.stdout.contains("pseudonym-of-her-chat"))
        #expect(table.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })

        let forged = try await runCLI(["queue"], environment: ["TSUNAGU_SERVER": server, "TSUNAGU_TOKEN": "tsu_forged", "PATH": "/usr/bin:/bin"])
        #expect(forged.status == 1 && forged.stderr.contains("Send a valid staff token"))
        #expect(!forged.stderr.contains("tsu_forged"))
        let usage = try await runCLI(["queue", "--bogus"], environment: home)
        #expect(usage.status == 2)

        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}
