import CurlHTTP
import Foundation
import LineMessaging
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

@Suite("tsunagud delivers its outbox", .serialized)
struct OutboxDaemonTests {
    @Test("sends written to a running daemon's outbox reach its sandbox in order, and `outbox --json` counts them")
    func deliversFromTheDatabase() async throws {
        let directory = try TemporaryDirectory()
        let databasePath = directory.path("t.sqlite")
        let environment = DaemonProcess.environment(
            database: databasePath, extra: ["TSUNAGU_SANDBOX_ENABLED": "true", "TSUNAGU_SANDBOX_PORT": "0"])
        let daemon = try DaemonProcess(environment: environment)
        let sandboxPort = try await daemon.port(of: "sandbox")

        // Write the sends the way the inbox processor will: sealed with the daemon's data key.
        let sealer = EventSealer(dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!)
        let store = SQLiteOutboxStore(database: try SQLiteDatabase.open(path: databasePath, clock: RealTime.clock))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let texts = ["一通目です", "二通目です", "三通目です"]
        _ = try await store.enqueue(
            try texts.map { text in
                let id = UUID().uuidString
                return NewOutboxEntry(
                    id: id, conversation: Pseudonym(rawValue: "p1"), retryKey: UUID().uuidString.lowercased(), createdAt: now,
                    replyTokenUsableUntil: nil,
                    sealedPayload: try OutboxPayload(chatID: "Ufeed", replyToken: nil, messages: [OutgoingMessage(text: text)])
                        .sealed(with: sealer, entryID: id))
            })

        let transport = CurlTransport()
        let deadline = ContinuousClock.now + .seconds(60)
        var delivered: [String] = []
        while ContinuousClock.now < deadline {
            let response = try await transport.send(
                HTTPClientRequest(
                    method: "GET", url: "http://127.0.0.1:\(sandboxPort)/sandbox/deliveries?chat=Ufeed",
                    headers: [DaemonProcess.sandboxAuthorization]))
            let list = try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]] ?? []
            delivered = list.compactMap { ($0["message"] as? [String: Any])?["text"] as? String }
            if delivered.count >= texts.count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(delivered == texts)

        let outbox = try await runDaemonCommand(["outbox", "--json"], environment: environment)
        #expect(outbox.status == 0, "\(outbox.stderr)")
        let counts = try JSONDecoder().decode(OutboxCounts.self, from: Data(outbox.stdout.utf8))
        #expect(counts.byState["delivered"] == 3 && counts.deadLetters.isEmpty)
        #expect(!outbox.stdout.contains("Ufeed") && !outbox.stdout.contains("通目"))

        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}
