import CurlHTTP
import Foundation
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import LineMessaging
import LineSandbox
import Logging
import Prometheus
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// The outbox sender with a real SQLite outbox, the real libcurl client and the LINE sandbox on loopback.
@Suite("Outbox sender against the sandbox")
struct OutboxSenderTests {
    static let accessToken = "outbox-test-token"
    let sealer = EventSealer(dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!)

    struct Harness: Sendable {
        let sandbox: LineSandbox
        let store: SQLiteOutboxStore
        let sender: OutboxSender
        let sealer: EventSealer
        let directory: TemporaryDirectory
        let metrics: TsunaguMetrics
        let baseURL: String

        /// Adds one send per (chat, text), numbered per chat in the order given.
        func enqueue(_ sends: [(chat: String, text: String, replyToken: String?)]) async throws {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let entries = try sends.map { send in
                let id = UUID().uuidString
                let payload = OutboxPayload(chatID: send.chat, replyToken: send.replyToken, messages: [OutgoingMessage(text: send.text)])
                return NewOutboxEntry(
                    id: id, conversation: Pseudonym(rawValue: "p-" + send.chat), retryKey: UUID().uuidString.lowercased(),
                    createdAt: now, replyTokenUsableUntil: send.replyToken == nil ? nil : now + 45_000,
                    sealedPayload: try payload.sealed(with: sealer, entryID: id))
            }
            _ = try await store.enqueue(entries)
        }

        /// Runs rounds until nothing is pending (or 20 s pass); returns the final counts.
        func drain() async throws -> OutboxCounts {
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                if try await store.counts().byState["pending"] == 0 { break }
                if await sender.deliverDueEntries() == 0 { try await Task.sleep(for: .milliseconds(5)) }
            }
            return try await store.counts()
        }
    }

    func withHarness(
        replyTokenLifetime: Duration = .seconds(60), monthlyPushQuota: Int = 200, logs: InMemoryLogHandler = InMemoryLogHandler(),
        _ body: @escaping @Sendable (Harness) async throws -> Void
    ) async throws {
        let sandbox = LineSandbox(
            configuration: .init(
                now: RealTime.now, newID: RealTime.newID,
                accessToken: Self.accessToken, channelSecret: TestSecrets.channelSecret, replyTokenLifetime: replyTokenLifetime))
        let sealer = self.sealer
        try await sandbox.serve { baseURL in
            let directory = try TemporaryDirectory()
            let store = SQLiteOutboxStore(database: try SQLiteDatabase.open(path: directory.path("outbox.sqlite"), clock: RealTime.clock))
            var policy = DeliveryPolicy()
            policy.baseBackoffMs = 2
            policy.maxBackoffMs = 20
            let lineClient = LineMessagingClient(
                transport: CurlTransport(), accessToken: Self.accessToken, apiBaseURL: baseURL)
            let metrics = TsunaguMetrics()
            let sender = OutboxSender(
                store: store, client: lineClient, sealer: sealer, policy: policy, clock: RealTime.clock, ids: RealTime.ids,
                monthlyPushQuota: monthlyPushQuota, metrics: metrics, logger: Logger(label: "test") { _ in logs })
            try await body(
                Harness(sandbox: sandbox, store: store, sender: sender, sealer: sealer, directory: directory, metrics: metrics, baseURL: baseURL))
        }
    }

    /// An outbox whose saves fail (a full disk, a lock timeout); everything else is the real store's.
    struct UnsavableOutbox: OutboxStore {
        let store: SQLiteOutboxStore
        struct SaveFailed: Error {}
        func enqueue(_ entries: [NewOutboxEntry]) async throws -> [OutboxEntry] { try await store.enqueue(entries) }
        func dueEntries(now: Int64, limit: Int, excluding busy: Set<Pseudonym>) async throws -> [OutboxEntry] {
            try await store.dueEntries(now: now, limit: limit, excluding: busy)
        }
        func update(_ entries: [OutboxEntry], countingPushes pushes: Int, in month: String) async throws -> Int { throw SaveFailed() }
        func markRepliesPossiblyMade() async throws -> Int { try await store.markRepliesPossiblyMade() }
        func withholdPending(for conversation: Pseudonym) async throws -> Int { try await store.withholdPending(for: conversation) }
        func counts() async throws -> OutboxCounts { try await store.counts() }
        func pendingCount() async throws -> Int { try await store.pendingCount() }
    }

    @Test("a result that cannot be saved holds back its conversation instead of being sent again at once")
    func failedSaveIsNotATightLoop() async throws {
        try await withHarness { harness in
            try await harness.enqueue([("Ua", "a1", nil)])
            let paused = Locked(0)
            let sender = OutboxSender(
                store: UnsavableOutbox(store: harness.store),
                client: LineMessagingClient(
                    transport: CurlTransport(), accessToken: Self.accessToken, apiBaseURL: harness.baseURL),
                sealer: harness.sealer, clock: RealTime.clock, ids: RealTime.ids, logger: Logger(label: "test"),
                pauseAfterFailedSave: {
                    paused.withLock { $0 += 1 }
                    try? await Task.sleep(for: .seconds(3_600))  // Until the test ends (cancelled).
                })
            let running = Task { try await sender.run() }
            let deadline = ContinuousClock.now + .seconds(20)
            while paused.value == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            #expect(paused.value == 1, "the failed save was not followed by a pause")
            #expect(harness.sandbox.deliveries(to: "Ua").count == 1, "sent again before the pause")
            running.cancel()
            _ = try? await running.value
        }
    }

    /// A reissued or revoked access token: LINE sends nothing and answers 401. The answers wait for a new token
    /// instead of becoming dead letters, and go once it is set.
    @Test("a send refused for the access token waits, and goes with the next token")
    func refusedTokenKeepsTheAnswer() async throws {
        try await withHarness { harness in
            try await harness.enqueue([("Ua", "ひみつの話", nil)])
            let logs = InMemoryLogHandler()
            let stale = OutboxSender(
                store: harness.store,
                client: LineMessagingClient(transport: CurlTransport(), accessToken: "a-reissued-token", apiBaseURL: harness.baseURL),
                sealer: harness.sealer, clock: RealTime.clock, ids: RealTime.ids, logger: Logger(label: "test") { _ in logs })
            #expect(await stale.deliverDueEntries() == 1)
            let counts = try await harness.store.counts()
            #expect(counts.byState["pending"] == 1 && (counts.byState["deadLettered"] ?? 0) == 0, "\(counts.byState)")
            #expect(harness.sandbox.deliveries(to: "Ua").isEmpty)
            let logged = logs.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            #expect(logged.contains("LINE refused the channel access token"), "the operator is told why sends wait")
            #expect(!logged.contains("Ua") && !logged.contains("ひみつ") && !logged.contains("a-reissued-token"), "\(logged)")
            // With the token set again, it goes once its wait is over (a sender whose clock reads a minute on).
            let minuteOn = ManualClock(at: Int64(Date().timeIntervalSince1970 * 1000) + 61_000)
            let renewed = OutboxSender(
                store: harness.store,
                client: LineMessagingClient(transport: CurlTransport(), accessToken: Self.accessToken, apiBaseURL: harness.baseURL),
                sealer: harness.sealer, clock: minuteOn.clock, ids: RealTime.ids, logger: Logger(label: "test"))
            #expect(await renewed.deliverDueEntries() == 1)
            #expect(harness.sandbox.deliveries(to: "Ua").map(\.message.text) == ["ひみつの話"])
        }
    }

    @Test("a fresh reply token is used for the first send, later sends are pushed, each chat in order")
    func routesAndOrder() async throws {
        try await withHarness { harness in
            let token = harness.sandbox.issueReplyToken(for: "Ua")
            try await harness.enqueue([
                ("Ua", "a1", token), ("Ub", "b1", nil), ("Ua", "a2", nil), ("Ub", "b2", nil), ("Ua", "a3", nil),
            ])
            let counts = try await harness.drain()
            #expect(counts.byState["delivered"] == 5)
            let a = harness.sandbox.deliveries(to: "Ua")
            #expect(a.map(\.message.text) == ["a1", "a2", "a3"])
            #expect(a.map(\.method) == [.reply, .push, .push])
            #expect(harness.sandbox.deliveries(to: "Ub").map(\.message.text) == ["b1", "b2"])
        }
    }

    @Test("through 30 % server errors and 10 % rate limiting, every send arrives once and in order")
    func faults() async throws {
        try await withHarness { harness in
            harness.sandbox.faults = SandboxFaults(serverErrorRate: 0.3, rateLimitRate: 0.1, retryAfterSeconds: 0, seed: 42)
            let users = (0..<8).map { "U\($0)" }
            try await harness.enqueue((0..<40).map { index in (users[index % 8], "m\(index)", nil) })
            let counts = try await harness.drain()
            #expect(counts.byState["delivered"] == 40 && counts.byState["pending"] == 0)
            #expect(harness.sandbox.injectedFaults >= 10, "only \(harness.sandbox.injectedFaults) faults were injected")
            let page = harness.metrics.registry.emitToString()
            #expect(page.contains(#"tsunagu_outbox_messages_total{result="delivered"} 40"#))
            #expect(page.contains(#"tsunagu_outbox_messages_total{result="retried"}"#))
            #expect(page.contains("tsunagu_outbox_send_duration_seconds_count"))
            #expect(!page.contains("U0") && !page.contains("m1"), "a chat id or text in the metrics")
            let texts = harness.sandbox.deliveries.map(\.message.text)
            #expect(texts.count == 40 && Set(texts).count == 40, "a send was shown twice or lost")
            for (offset, user) in users.enumerated() {
                let expected = stride(from: offset, to: 40, by: 8).map { "m\($0)" }
                #expect(harness.sandbox.deliveries(to: user).map(\.message.text) == expected)
            }
        }
    }

    @Test("a push LINE carried out but whose answer was lost is retried with the same key and shown once")
    func lostAnswers() async throws {
        try await withHarness { harness in
            harness.sandbox.faults = SandboxFaults(lostAnswerRate: 0.5, seed: 3)
            try await harness.enqueue((0..<30).map { ("U\($0 % 3)", "m\($0)", nil) })
            #expect(try await harness.drain().byState["delivered"] == 30)
            #expect(harness.sandbox.injectedFaults >= 8)
            let texts = harness.sandbox.deliveries.map(\.message.text)
            #expect(texts.count == 30 && Set(texts).count == 30, "a send was shown twice")
        }
    }

    @Test("a reply token LINE no longer accepts falls back to one push")
    func expiredReplyToken() async throws {
        try await withHarness(replyTokenLifetime: .zero) { harness in
            let token = harness.sandbox.issueReplyToken(for: "Ua")
            try await harness.enqueue([("Ua", "遅れてごめんなさい", token)])
            #expect(try await harness.drain().byState["delivered"] == 1)
            #expect(harness.sandbox.deliveries(to: "Ua").map(\.method) == [.push])
        }
    }

    @Test("a send LINE refuses for good is a dead letter with LINE's reason, and does not block the next")
    func deadLetter() async throws {
        try await withHarness { harness in
            try await harness.enqueue([("", "宛先なし", nil), ("Ub", "届く", nil)])
            let counts = try await harness.drain()
            #expect(counts.byState["deadLettered"] == 1 && counts.byState["delivered"] == 1)
            #expect(counts.deadLetters.first?.reason?.contains("to") == true)
            #expect(harness.sandbox.deliveries.map(\.message.text) == ["届く"])
        }
    }

    @Test("pushes are counted against the monthly quota, replies are not, and 80 % is warned about once")
    func monthlyQuota() async throws {
        let logs = InMemoryLogHandler()
        try await withHarness(monthlyPushQuota: 10, logs: logs) { harness in
            let token = harness.sandbox.issueReplyToken(for: "Ureply")
            try await harness.enqueue([("Ureply", "返信", token)] + (0..<7).map { ("U\($0)", "push \($0)", nil) })
            #expect(try await harness.drain().byState["delivered"] == 8)
            try await harness.enqueue((7..<9).map { ("U\($0)", "push \($0)", nil) })
            #expect(try await harness.drain().byState["delivered"] == 10)
            let month = QuotaMonth.of(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
            #expect(try await harness.store.counts().pushesByMonth[month] == 9, "the reply must not count")
            let page = harness.metrics.registry.emitToString()
            #expect(page.contains("tsunagu_outbox_monthly_pushes 9"))
            #expect(page.contains("tsunagu_outbox_monthly_push_quota_used_ratio 0.9"))
        }
        let warnings = logs.entries.filter { "\($0.message)".contains("80 %") }
        #expect(warnings.count == 1, "expected one warning when crossing 8 of 10, got \(warnings.count)")
    }

    @Test("the sender's logs, dead letters included, carry no chat id and no text")
    func logsCarryNoPersonalData() async throws {
        let logs = InMemoryLogHandler()
        let chat = "U" + String(repeating: "5e", count: 16)
        let text = String(repeating: "とても長い相談", count: 800)  // over LINE's limit: refused before sending
        try await withHarness(logs: logs) { harness in
            try await harness.enqueue([(chat, text, nil), (chat, "短い返事", nil)])
            let counts = try await harness.drain()
            #expect(counts.byState["deadLettered"] == 1 && counts.byState["delivered"] == 1)
        }
        let lines = logs.entries.map { "\($0.message) \($0.metadata)" }
        #expect(lines.contains { $0.contains("dead-lettered") }, "the dead letter was not logged, so this proves nothing")
        #expect(!lines.contains { $0.contains(chat) || $0.contains("とても長い相談") || $0.contains("短い返事") })
    }

    @Test("client errors map onto the delivery policy's outcomes")
    func outcomeMapping() {
        func api(_ status: Int, _ message: String, retryAfter: Int? = nil) -> LineClientError {
            .api(LineAPIError(status: status, message: message, retryAfterSeconds: retryAfter))
        }
        #expect(OutboxSenderMapping.outcome(api(400, "Invalid reply token"), .reply) == .replyTokenInvalid)
        #expect(
            OutboxSenderMapping.outcome(api(429, "You have reached your monthly limit."), .push)
                == .quotaExhausted(reason: "You have reached your monthly limit."))
        guard case .retryable(let after, _) = OutboxSenderMapping.outcome(api(429, "Too many", retryAfter: 3), .push) else {
            Issue.record("429 not retryable")
            return
        }
        #expect(after == 3_000)
        guard case .retryable(let wait, _) = OutboxSenderMapping.outcome(api(401, "Authentication failed"), .push) else {
            Issue.record("401 not retried")
            return
        }
        #expect(wait == 60_000)
        if case .retryable(let capped, _) = OutboxSenderMapping.outcome(api(503, "Busy", retryAfter: .max), .push) {
            #expect(capped == 86_400_000, "a Retry-After is held to a day, and never overflows")
        } else {
            Issue.record("503 not retryable")
        }
        guard case .rejected = OutboxSenderMapping.outcome(api(400, "bad"), .push) else {
            Issue.record("400 not rejected")
            return
        }
        // A 5xx on a reply may hide an answer lost on the way: unknown, so a used token on retry means delivered.
        #expect(OutboxSenderMapping.outcome(api(502, "Bad gateway"), .reply) == .unknown)
        guard case .retryable = OutboxSenderMapping.outcome(api(500, "Internal"), .push) else {
            Issue.record("a push 500 not retryable")
            return
        }
        guard case .retryable = OutboxSenderMapping.outcome(api(429, "Too many"), .reply) else {
            Issue.record("a reply 429 not retryable")
            return
        }
        #expect(OutboxSenderMapping.outcome(.transport(HTTPTransportError(.timeout, "t")), .push) == .unknown)
        guard case .retryable = OutboxSenderMapping.outcome(.transport(HTTPTransportError(.connectionFailed, "c")), .push) else {
            Issue.record("a refused connection is not retryable")
            return
        }
    }
}
