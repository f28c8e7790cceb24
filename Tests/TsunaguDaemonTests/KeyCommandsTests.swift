import CurlHTTP
import Foundation
import Testing
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
        let response = try await CurlTransport().send(HTTPClientRequest(
            method: "POST", url: "http://127.0.0.1:\(port)/webhook",
            headers: [("Content-Type", "application/json"), ("x-line-signature", WebhookFixtures().sign(body))], body: body))
        #expect(response.status == 200)
        #expect(await eventually {
            (try? await runDaemonCommand(["inbox", "--json"], environment: oldEnvironment).stdout.contains(#""processed":1"#)) == true
        })
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)

        // Rotate, offline, to a new key.
        let newKey = DataKey.generateBase64()
        let keyFile = directory.path("new.key")
        try newKey.write(toFile: keyFile, atomically: true, encoding: .utf8)
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
}
