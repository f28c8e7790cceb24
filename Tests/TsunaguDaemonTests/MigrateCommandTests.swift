import Foundation
import Testing
import TsunaguTesting

/// `tsunagud migrate` on both backends, and the other commands on PostgreSQL.
@Suite("tsunagud migrate")
struct MigrateCommandTests {
    @Test("on SQLite, migrate creates the database file and is safe to repeat")
    func sqlite() async throws {
        let directory = try TemporaryDirectory()
        let environment = DaemonProcess.environment(database: directory.path("data/tsunagu.sqlite"))
        for _ in 0..<2 {
            let result = try await runDaemonCommand(["migrate"], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("up to date"))
        }
        #expect(FileManager.default.fileExists(atPath: directory.path("data/tsunagu.sqlite")))
    }

    @Test(
        "on PostgreSQL, migrate applies the migrations once and then reports the database up to date",
        .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
    func postgres() async throws {
        let environment = DaemonProcess.environment(database: try await TestPostgres.makeDatabaseURL())
        let first = try await runDaemonCommand(["migrate"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("Applied to the PostgreSQL database: v1-inbox-outbox, "))
        let second = try await runDaemonCommand(["migrate"], environment: environment)
        #expect(second.stdout.contains("The PostgreSQL database is up to date."))
    }

    @Test(
        "a PostgreSQL database that cannot be used is one sentence on stderr, without the password",
        .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
    func postgresFailures() async throws {
        let url = try #require(TestPostgres.url)
        let server = try #require(URLComponents(string: url))
        let port = try #require(server.port)
        let cases = [
            ("postgres://tsunagu:pw-s3cret@127.0.0.1:\(port)/no_such_database?sslmode=disable", "has no database no_such_database."),
            ("postgres://tsunagu:pw-s3cret@127.0.0.1:1/tsunagu?sslmode=disable", "Cannot reach PostgreSQL at 127.0.0.1:1"),
            ("postgres://tsunagu:pw-s3cret@127.0.0.1:\(port)/tsunagu?sslmode=sometimes", "sslmode sometimes"),
        ]
        for (url, expected) in cases {
            let result = try await runDaemonCommand(["migrate"], environment: DaemonProcess.environment(database: url))
            #expect(result.status == 1)
            #expect(result.stderr.contains(expected), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(!result.stderr.contains("pw-s3cret") && !result.stdout.contains("pw-s3cret"))
        }
    }

    @Test(
        "the operator commands work on PostgreSQL: a read-only one asks for migrate, staff and audit work, counts read",
        .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
    func operatorCommands() async throws {
        let environment = DaemonProcess.environment(database: try await TestPostgres.makeDatabaseURL())
        let early = try await runDaemonCommand(["inbox"], environment: environment)
        #expect(early.status == 1 && early.stderr.contains("run tsunagud migrate"), "\(early.stderr)")

        let added = try await runDaemonCommand(["staff", "add", "sato", "--role", "counsellor"], environment: environment)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.trimmingCharacters(in: .whitespacesAndNewlines).count >= 32, "the token is printed once")
        let again = try await runDaemonCommand(["staff", "add", "sato", "--role", "counsellor"], environment: environment)
        #expect(again.status == 1 && again.stderr.contains("sato"), "\(again.stderr)")
        let revoked = try await runDaemonCommand(["staff", "revoke", "sato"], environment: environment)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        let list = try await runDaemonCommand(["staff", "list", "--json"], environment: environment)
        let members = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(members?.count == 1 && members?.first?["revokedAt"] != nil, "\(list.stdout)")

        let audit = try await runDaemonCommand(["audit", "--verify"], environment: environment)
        #expect(audit.status == 0 && audit.stdout.contains("2 entries, chain intact"), "\(audit.stdout) \(audit.stderr)")
        for command in [["inbox", "--json"], ["outbox", "--json"], ["purge", "--json"]] {
            let result = try await runDaemonCommand(command, environment: environment)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
    }

    @Test("serve on an unreachable PostgreSQL stops in one sentence, without the password, and makes no file")
    func serveRefusesUnreachablePostgres() async throws {
        let directory = try TemporaryDirectory()
        var environment = DaemonProcess.environment(database: "postgres://tsunagu:pw-s3cret@127.0.0.1:1/tsunagu?sslmode=disable")
        environment["TSUNAGU_SANDBOX_ENABLED"] = "true"
        for command in [["serve"], ["inbox"], ["staff", "add", "sato", "--role", "admin"]] {
            let result = try await runDaemonCommand(command, environment: environment, directory: directory.path(""))
            #expect(result.status == 1, "\(command)")
            #expect(result.stderr.contains("Cannot reach PostgreSQL at 127.0.0.1:1"), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("pw-s3cret") && !result.stdout.contains("pw-s3cret"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path("")).isEmpty)
    }
}
