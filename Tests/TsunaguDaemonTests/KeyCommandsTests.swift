import CurlHTTP
import Foundation
import Testing
import TsunaguCoreTesting
import TsunaguServer
import TsunaguTesting

/// The operator commands that change keys and retention, run as `tsunagud` processes.
@Suite("tsunagud rotate-key and purge")
struct KeyCommandsTests {
    @Test("rotate-key moves the database to a new key: the old key is refused, the new one serves; purge reports")
    func rotateKeyAndPurge() async throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("tsunagu.sqlite")
        let oldEnvironment = DaemonProcess.environment(database: database)

        // Serve once with the old key, and have one message triaged.
        let daemon = try DaemonProcess(environment: oldEnvironment)
        let port = try await daemon.port(of: "webhook")
        let body = WebhookFixtures.body(events: [WebhookFixtures.textEvent(userID: TestSecrets.userID(1), text: "こんにちは")])
        let response = try await CurlTransport().send(
            HTTPClientRequest(
                method: "POST", url: "http://127.0.0.1:\(port)/webhook",
                headers: [("Content-Type", "application/json"), ("x-line-signature", WebhookFixtures().sign(body))], body: body))
        #expect(response.status == 200)
        #expect(
            await eventually {
                (try? await runDaemonCommand(["inbox", "--json"], environment: oldEnvironment).stdout.contains(#""processed":1"#)) == true
            })
        let newKey = DataKey.generateBase64()
        let keyFile = directory.path("new.key")
        try newKey.write(toFile: keyFile, atomically: true, encoding: .utf8)
        // A key file others can read is refused.
        let readable = try await runDaemonCommand(["rotate-key", "--new-key-file", keyFile], environment: oldEnvironment)
        #expect(readable.status == 1 && readable.stderr.contains("chmod 600"), "\(readable.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        // A one-step rotation beside the running server is refused: it would strand the server's new cases.
        let beside = try await runDaemonCommand(["rotate-key", "--new-key-file", keyFile], environment: oldEnvironment)
        #expect(beside.status == 1 && beside.stderr.contains("stop it before rotate-key"), "\(beside.stderr)")
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)

        // Rotate, offline, to a new key.
        let rotated = try await runDaemonCommand(["rotate-key", "--new-key-file", keyFile, "--json"], environment: oldEnvironment)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.stdout.contains(#""caseKeysRewrapped":"#))
        #expect(!rotated.stdout.contains(newKey) && !rotated.stderr.contains(newKey))

        // The old key no longer opens it, in one sentence that names the way out.
        let refused = try DaemonProcess(environment: oldEnvironment)
        #expect(try await refused.waitForExit() == 1)
        #expect(refused.stderr.contains("TSUNAGU_DATA_KEY_PREVIOUS"))
        #expect(!refused.stderr.contains(TestSecrets.dataKeyBase64))

        // The new key serves.
        var newEnvironment = oldEnvironment
        newEnvironment["TSUNAGU_DATA_KEY"] = newKey
        let serving = try DaemonProcess(environment: newEnvironment)
        _ = try await serving.port(of: "webhook")
        serving.kill(SIGTERM)
        #expect(try await serving.waitForExit() == 0)

        let purge = try await runDaemonCommand(["purge", "--json"], environment: newEnvironment)
        #expect(purge.status == 0, "\(purge.stderr)")
        #expect(purge.stdout.contains(#""casesPurged":0"#) && purge.stdout.contains(#""retentionDays":90"#))
    }

    @Test(
        "rotation without downtime through the documented variables: serve with the new key and TSUNAGU_DATA_KEY_PREVIOUS (then _FILE), rotate while serving, then serve with the new key alone"
    )
    func rotateWithoutDowntime() async throws {
        let directory = try TemporaryDirectory()
        let first = DaemonProcess.environment(database: directory.path("tsunagu.sqlite"))
        func serve(_ environment: [String: String], while work: () async throws -> Void = {}) async throws {
            let daemon = try DaemonProcess(environment: environment)
            _ = try await daemon.port(of: "webhook")
            try await work()
            daemon.kill(SIGTERM)
            #expect(try await daemon.waitForExit() == 0, "\(daemon.stderr)")
        }
        try await serve(first)

        // The new key in TSUNAGU_DATA_KEY, the old one in TSUNAGU_DATA_KEY_PREVIOUS: it serves, and rotates while serving.
        let second = DataKey.generateBase64()
        var rotating = first
        rotating["TSUNAGU_DATA_KEY"] = second
        rotating["TSUNAGU_DATA_KEY_PREVIOUS"] = TestSecrets.dataKeyBase64
        try await serve(rotating) {
            let rotated = try await runDaemonCommand(["rotate-key", "--json"], environment: rotating)
            #expect(rotated.status == 0, "\(rotated.stderr)")
        }
        var settled = first
        settled["TSUNAGU_DATA_KEY"] = second
        try await serve(settled)

        // The same with the old key in a file, through TSUNAGU_DATA_KEY_PREVIOUS_FILE.
        let third = DataKey.generateBase64()
        let previousFile = directory.path("previous.key")
        try second.write(toFile: previousFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: previousFile)
        var fromFile = first
        fromFile["TSUNAGU_DATA_KEY"] = third
        fromFile["TSUNAGU_DATA_KEY_PREVIOUS_FILE"] = previousFile
        try await serve(fromFile) {
            let rotated = try await runDaemonCommand(["rotate-key", "--json"], environment: fromFile)
            #expect(rotated.status == 0, "\(rotated.stderr)")
        }
        var last = first
        last["TSUNAGU_DATA_KEY"] = third
        try await serve(last)
    }

    @Test(
        "rotate-key --new-key-file refuses while an instance serves the PostgreSQL database, and rotates once none does",
        .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
    func oneStepRotationBesidePostgresServer() async throws {
        let directory = try TemporaryDirectory()
        let environment = DaemonProcess.environment(database: try await TestPostgres.makeDatabaseURL())
        let newKey = DataKey.generateBase64()
        let keyFile = directory.path("new.key")
        try newKey.write(toFile: keyFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)

        let daemon = try DaemonProcess(environment: environment)
        _ = try await daemon.port(of: "webhook")
        let beside = try await runDaemonCommand(["rotate-key", "--new-key-file", keyFile], environment: environment)
        #expect(beside.status == 1 && beside.stderr.contains("stop it before rotate-key"), "\(beside.stderr)")
        #expect(beside.stderr.split(separator: "\n").count == 1, "one sentence")
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)

        let rotated = try await runDaemonCommand(["rotate-key", "--new-key-file", keyFile, "--json"], environment: environment)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        var newEnvironment = environment
        newEnvironment["TSUNAGU_DATA_KEY"] = newKey
        let serving = try DaemonProcess(environment: newEnvironment)
        _ = try await serving.port(of: "webhook")
        serving.kill(SIGTERM)
        #expect(try await serving.waitForExit() == 0, "\(serving.stderr)")
    }
}
