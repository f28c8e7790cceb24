import Foundation
import Hummingbird
import HummingbirdTesting
import LineMessaging
import LineSandbox
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// The outbox's promise under failure: LINE failing and rate-limiting, tsunagud killed mid-delivery.
@Suite("Outbox under chaos", .serialized)
struct OutboxChaosTests {
    static let accessToken = "chaos-token"

    @Test(
        "2,000 sends to 200 users through 30 % 5xx, 10 % 429, 5 % lost answers, 5 % dropped connections and slow bodies, with two SIGKILLs: all arrive, none twice, in order"
    )
    func chaos() async throws {
        let sandbox = LineSandbox(
            configuration: .init(
                now: RealTime.now, newID: RealTime.newID, accessToken: Self.accessToken, channelSecret: TestSecrets.channelSecret))
        sandbox.faults = SandboxFaults(
            serverErrorRate: 0.3, rateLimitRate: 0.1, lostAnswerRate: 0.05, droppedConnectionRate: 0.05, slowBodyRate: 0.02,
            slowBodyMilliseconds: 200, retryAfterSeconds: 0, seed: 7)
        try await sandbox.serve { baseURL in
            let directory = try TemporaryDirectory()
            let databasePath = directory.path("chaos.sqlite")
            let users = (0..<200).map { String(format: "U%032x", $0) }
            let total = 2_000

            // The sends, written before the daemon starts (as the triage will write them).
            let sealer = EventSealer(dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!)
            let database = try SQLiteDatabase.open(path: databasePath, clock: RealTime.clock)
            let store = SQLiteOutboxStore(database: database)
            _ = try await store.enqueue(
                try (0..<total).map { index in
                    let id = UUID().uuidString
                    let user = users[index % users.count]
                    return NewOutboxEntry(
                        id: id, conversation: Pseudonym(rawValue: "p" + user), retryKey: UUID().uuidString.lowercased(),
                        createdAt: 0, replyTokenUsableUntil: nil,
                        sealedPayload: try OutboxPayload(chatID: user, replyToken: nil, messages: [OutgoingMessage(text: "m\(index)")])
                            .sealed(with: sealer, entryID: id))
                })
            try database.close()

            let environment = DaemonProcess.environment(
                database: databasePath,
                extra: [
                    "LINE_API_BASE_URL": baseURL, "LINE_CHANNEL_ACCESS_TOKEN": Self.accessToken,
                    "TSUNAGU_OUTBOX_RETRY_BASE_MS": "5", "TSUNAGU_OUTBOX_RETRY_MAX_MS": "100",
                ])
            /// Runs a daemon until `done` (or the deadline), then ends it with `signal`.
            func runDaemon(until done: @escaping () async throws -> Bool, then signal: Int32) async throws {
                let daemon = try DaemonProcess(environment: environment)
                _ = try await daemon.port(of: "webhook")
                let deadline = ContinuousClock.now + .seconds(90)
                while try await !done(), ContinuousClock.now < deadline, daemon.process.isRunning {
                    try await Task.sleep(for: .milliseconds(10))
                }
                daemon.kill(signal)
                _ = try await daemon.waitForExit()
            }
            try await runDaemon(until: { sandbox.deliveries.count >= 500 }, then: SIGKILL)
            try await runDaemon(until: { sandbox.deliveries.count >= 1_200 }, then: SIGKILL)
            // The last run ends when the daemon itself knows every send was accepted: a send whose answer
            // was lost is shown in the sandbox but, rightly, still pending until a retry learns of it (409).
            let reader = SQLiteOutboxStore(database: try SQLiteDatabase.openReadOnly(path: databasePath, clock: RealTime.clock))
            try await runDaemon(until: { try await reader.counts().byState["delivered"] == total }, then: SIGTERM)

            let deliveries = sandbox.deliveries
            #expect(sandbox.injectedFaults > 500, "only \(sandbox.injectedFaults) faults were injected")
            #expect(deliveries.count == total, "\(deliveries.count) of \(total) shown")
            #expect(Set(deliveries.map(\.message.text)).count == deliveries.count, "a send was shown twice")
            for (offset, user) in users.enumerated() {
                let expected = stride(from: offset, to: total, by: users.count).map { "m\($0)" }
                let shown = deliveries.filter { $0.chatID == user }.map(\.message.text)
                #expect(shown == expected, "order broken or sends missing for user \(offset)")
            }
            let outbox = try await runDaemonCommand(["outbox", "--json"], environment: environment)
            let counts = try JSONDecoder().decode(OutboxCounts.self, from: Data(outbox.stdout.utf8))
            #expect(counts.byState["delivered"] == total)
        }
    }
}
