import CurlHTTP
import Foundation
import Testing
import TsunaguCoreTesting
import TsunaguTesting

/// The process's own edges: what `tsunagud` does to itself and its files before it serves.
@Suite("tsunagud's edges")
struct EdgeDaemonTests {
    @Test("a serving tsunagud has core dumps turned off")
    func noCoreDumps() async throws {
        let directory = try TemporaryDirectory()
        let daemon = try DaemonProcess(environment: DaemonProcess.environment(database: directory.path("tsunagu.sqlite")))
        _ = try await daemon.port(of: "staff")
        let limits = try String(contentsOfFile: "/proc/\(daemon.process.processIdentifier)/limits", encoding: .utf8)
        let core = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") })
        #expect(core.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2) == ["0", "0"], "\(core)")
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test("a body that keeps trickling is cut off at the time limit with 408, and connections past the cap wait for one to close")
    func bodyTimeLimitAndConnectionCap() async throws {
        let directory = try TemporaryDirectory()
        let daemon = try DaemonProcess(
            environment: DaemonProcess.environment(
                database: directory.path("tsunagu.sqlite"), extra: ["TSUNAGU_WEBHOOK_BODY_SECONDS": "1", "TSUNAGU_WEBHOOK_MAX_CONNECTIONS": "3"]))
        let webhook = try await daemon.port(of: "webhook")

        // A byte of body every 100 ms would reset an idle timer forever; the total limit ends it.
        let trickler = try RawHTTPConnection(port: webhook, timeout: 20)
        trickler.send("POST /webhook HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n{")
        let stop = Locked(false)
        Thread {
            for _ in 0..<100 where !stop.value {
                trickler.send(" ")
                usleep(100_000)  // The pace of the attack, not a wait for a result.
            }
        }.start()
        let started = ContinuousClock.now
        let answer = trickler.readResponseHead()
        stop.withLock { $0 = true }
        #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer.prefix(40))")
        #expect(ContinuousClock.now - started < .seconds(8))

        // Three idle connections fill the cap; a fourth is not served until one of them closes.
        let holders = try (0..<3).map { _ in try RawHTTPConnection(port: webhook) }
        for holder in holders {
            // Answered, so the server holds the connection open (keep-alive) and counts it.
            holder.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(holder.readResponseHead().hasPrefix("HTTP/1.1 200"))
        }
        // The one bounded wait here proves an absence: a second without an answer.
        #expect((try? Self.healthz(webhook, timeout: 1)) == nil, "a connection past the cap was served")
        for holder in holders { holder.shutdown() }
        #expect(await eventually(within: .seconds(20)) { (try? Self.healthz(webhook, timeout: 1)) != nil }, "still no connection served")
        withExtendedLifetime(holders) {}
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test("serve refuses sandbox mode beside an access token; with the outbox paused, a decided reply is kept and not sent")
    func sandboxAloneAndOutboxPaused() async throws {
        let directory = try TemporaryDirectory()
        let sandbox = DaemonProcess.environment(
            database: directory.path("tsunagu.sqlite"), extra: ["TSUNAGU_SANDBOX_ENABLED": "true", "TSUNAGU_SANDBOX_PORT": "0"])
        let refused = try DaemonProcess(environment: sandbox.merging(["LINE_CHANNEL_ACCESS_TOKEN": "a-real-token"]) { $1 })
        #expect(try await refused.waitForExit() == 1)
        #expect(refused.stderr.contains("never run beside a real channel") && !refused.stderr.contains("a-real-token"), "\(refused.stderr)")

        let paused = sandbox.merging(["TSUNAGU_OUTBOX_PAUSED": "true"]) { $1 }
        let daemon = try DaemonProcess(environment: paused)
        let webhook = try await daemon.port(of: "webhook")
        let sandboxPort = try await daemon.port(of: "sandbox")
        #expect(daemon.stderr.contains("Outbox paused"))
        let body = WebhookFixtures.body(events: [WebhookFixtures.textEvent(userID: TestSecrets.userID(5), text: "こんにちは")])
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let response = try await transport.send(
            HTTPClientRequest(
                method: "POST", url: "http://127.0.0.1:\(webhook)/webhook",
                headers: [("Content-Type", "application/json"), ("x-line-signature", WebhookFixtures().sign(body))], body: body))
        #expect(response.status == 200)
        // The answer is decided in the same transaction as the event is stored: it waits in the outbox.
        let counts = { try await Self.outboxCounts(paused) }
        #expect(await eventually { ((try? await counts())?["pending"] ?? 0) >= 1 })
        #expect(try await counts()["delivered"] ?? 0 == 0)
        let deliveries = try await transport.send(
            HTTPClientRequest(
                method: "GET", url: "http://127.0.0.1:\(sandboxPort)/sandbox/deliveries", headers: [DaemonProcess.sandboxAuthorization]))
        #expect(String(decoding: deliveries.body, as: UTF8.self) == "[]")
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// `GET /healthz` on a new connection; throws when no answer comes within `timeout` seconds.
    static func healthz(_ port: Int, timeout: TimeInterval) throws -> String {
        let connection = try RawHTTPConnection(port: port, timeout: timeout)
        connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let head = connection.readResponseHead()
        guard head.hasPrefix("HTTP/1.1") else { throw DaemonError("no answer") }
        return head
    }

    /// `tsunagud outbox --json`'s counts by state.
    static func outboxCounts(_ environment: [String: String]) async throws -> [String: Int] {
        struct Counts: Decodable { var byState: [String: Int] }
        let printed = try await runDaemonCommand(["outbox", "--json"], environment: environment).stdout
        return try JSONDecoder().decode(Counts.self, from: Data(printed.utf8)).byState
    }
}
