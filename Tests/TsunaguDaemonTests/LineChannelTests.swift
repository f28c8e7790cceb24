import CurlHTTP
import Foundation
import Hummingbird
import HummingbirdTesting
import LineSandbox
import Testing
import TsunaguCoreTesting
import TsunaguServer
import TsunaguTesting

/// Start-up's check of the LINE channel, and sandbox mode, with the real daemon and the real libcurl client.
@Suite("tsunagud and the LINE channel", .serialized)
struct LineChannelTests {
    static let accessToken = "real-looking-access-token"

    /// Runs `body` while a LINE sandbox is served on a free port.
    func withSandbox(_ body: @escaping @Sendable (_ baseURL: String) async throws -> Void) async throws {
        try await LineSandbox(
            configuration: .init(
                now: RealTime.now, newID: RealTime.newID, accessToken: Self.accessToken, channelSecret: TestSecrets.channelSecret)
        )
        .serve(body)
    }

    @Test("an access token LINE rejects stops start-up with one sentence naming it")
    func rejectedToken() async throws {
        try await withSandbox { baseURL in
            let directory = try TemporaryDirectory()
            let environment = DaemonProcess.environment(
                database: directory.path("t.sqlite"),
                extra: ["LINE_API_BASE_URL": baseURL, "LINE_CHANNEL_ACCESS_TOKEN": "revoked-token"])
            let result = try await runDaemonCommand(["serve"], environment: environment)
            #expect(result.status == 1)
            let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
            #expect(last.hasPrefix("tsunagud: ") && last.contains("LINE_CHANNEL_ACCESS_TOKEN") && last.contains("401"))
            #expect(!result.stderr.contains("revoked-token"))
        }
    }

    @Test("an accepted token lets start-up go on and says the channel is ready")
    func acceptedToken() async throws {
        try await withSandbox { baseURL in
            let directory = try TemporaryDirectory()
            let daemon = try DaemonProcess(
                environment: DaemonProcess.environment(
                    database: directory.path("t.sqlite"),
                    extra: ["LINE_API_BASE_URL": baseURL, "LINE_CHANNEL_ACCESS_TOKEN": Self.accessToken]))
            _ = try await daemon.port(of: "webhook")
            #expect(daemon.stderr.contains("LINE channel ready"))
            #expect(!daemon.stderr.contains(Self.accessToken))
            // Started, it names what the office has still to fill in in the script.
            #expect(await eventually { daemon.stderr.contains("office.values.phone is not set") }, "\(daemon.stderr)")
            daemon.kill(SIGTERM)
            #expect(try await daemon.waitForExit() == 0)
        }
    }

    @Test("the standard proxy variable carries the daemon's calls to LINE (a city network's forced proxy)")
    func proxyFromEnvironment() async throws {
        try await withSandbox { baseURL in
            let directory = try TemporaryDirectory()
            // LINE's host does not resolve here: only the proxy (the sandbox, standing in for one) can answer.
            let daemon = try DaemonProcess(
                environment: DaemonProcess.environment(
                    database: directory.path("t.sqlite"),
                    extra: [
                        "LINE_API_BASE_URL": "http://api.line.invalid", "LINE_CHANNEL_ACCESS_TOKEN": Self.accessToken,
                        "http_proxy": baseURL,
                    ]))
            _ = try await daemon.port(of: "webhook")
            #expect(daemon.stderr.contains("LINE channel ready"), "\(daemon.stderr)")
            daemon.kill(SIGTERM)
            #expect(try await daemon.waitForExit() == 0)
        }
    }

    @Test("LINE being unreachable does not stop start-up: webhooks are still received")
    func unreachableLine() async throws {
        let directory = try TemporaryDirectory()
        let daemon = try DaemonProcess(
            environment: DaemonProcess.environment(
                database: directory.path("t.sqlite"),
                extra: ["LINE_API_BASE_URL": "http://127.0.0.1:\(try FreeLoopbackPort.find())", "LINE_CHANNEL_ACCESS_TOKEN": Self.accessToken]))
        _ = try await daemon.port(of: "webhook")
        #expect(daemon.stderr.contains("LINE could not be checked"))
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test("in sandbox mode the sandbox's phone side messages Tsunagu, and the message is stored")
    func sandboxPhone() async throws {
        let directory = try TemporaryDirectory()
        let webhookPort = try FreeLoopbackPort.find()
        let environment = DaemonProcess.environment(
            database: directory.path("t.sqlite"),
            extra: ["TSUNAGU_SANDBOX_ENABLED": "true", "TSUNAGU_SANDBOX_PORT": "0", "TSUNAGU_WEBHOOK_PORT": String(webhookPort)])
        let daemon = try DaemonProcess(environment: environment)
        let sandboxPort = try await daemon.port(of: "sandbox")
        _ = try await daemon.port(of: "webhook")
        let response = try await CurlTransport().send(
            HTTPClientRequest(
                method: "POST", url: "http://127.0.0.1:\(sandboxPort)/sandbox/phone/text",
                headers: [("Content-Type", "application/json"), DaemonProcess.sandboxAuthorization],
                body: Data(#"{"userId":"U0123","text":"こんばんは"}"#.utf8)))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self).contains(#""status":200"#))
        let inbox = try await runDaemonCommand(["inbox", "--json"], environment: environment)
        #expect(inbox.stdout.contains(#""stored":1"#), "\(inbox.stdout) \(inbox.stderr)")
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test("sandbox mode serves the LINE sandbox in-process on loopback, its /sandbox/* behind a token it makes and logs")
    func sandboxMode() async throws {
        let directory = try TemporaryDirectory()
        var environment = DaemonProcess.environment(
            database: directory.path("t.sqlite"), extra: ["TSUNAGU_SANDBOX_ENABLED": "true", "TSUNAGU_SANDBOX_PORT": "0"])
        environment["TSUNAGU_SANDBOX_TOKEN"] = nil
        let daemon = try DaemonProcess(environment: environment)
        let port = try await daemon.port(of: "sandbox")
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let info = try await transport.send(
            HTTPClientRequest(
                method: "GET", url: "http://127.0.0.1:\(port)/v2/bot/info", headers: [("Authorization", "Bearer sandbox-access-token")]))
        #expect(info.status == 200)
        let notice = try #require(daemon.stderr.split(separator: "\n").first { $0.contains("Sandbox mode") }, "\(daemon.stderr)")
        let token = try #require(notice.firstMatch(of: /token=([A-Za-z0-9_-]{43})/)?.1, "\(notice)")
        #expect(notice.contains("port=\(port)"))
        let deliveries = "http://127.0.0.1:\(port)/sandbox/deliveries"
        #expect(try await transport.send(HTTPClientRequest(method: "GET", url: deliveries)).status == 401)
        let admitted = try await transport.send(HTTPClientRequest(method: "GET", url: deliveries, headers: [("Authorization", "Bearer \(token)")]))
        #expect(admitted.status == 200)
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}
