import CurlHTTP
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LineMessaging
import LineSandbox
import Logging
import NIOCore
import Synchronization
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// The whole loop over loopback: the real webhook listener, the inbox processor with the shipped script,
/// the outbox sender over libcurl, and the LINE sandbox as both her phone and the Messaging API.
struct ConversationHarness {
    let base: TestHarness
    let sandbox = LineSandbox(
        configuration: .init(
            now: RealTime.now, newID: RealTime.newID, accessToken: "sandbox-token", channelSecret: TestSecrets.channelSecret))
    /// Every component's clock (milliseconds since the epoch): real time, shifted so that the harness starts
    /// at the chosen moment (in or out of office hours) and then runs at the real pace.
    let clock: WallClock

    let metrics = TsunaguMetrics()
    /// The engine every decision is made with: the shipped script with MeCab and the model, unless a test needs
    /// the conversation's flow independent of what the model makes of its words.
    let engine: TriageEngine

    /// - Parameter inline: whether the ingress answers events in the transaction that stores them (as
    ///   `tsunagud` does), or leaves every event to the processor.
    init(
        now: Int64 = ScriptFixture.openTime, inline: Bool = true, desk: CaseDesk.Settings = CaseDesk.Settings(),
        engine: TriageEngine = ScriptFixture.engine
    ) throws {
        self.engine = engine
        let clock = RealTime.shiftedClock(startingAt: now)
        self.clock = clock
        let metrics = self.metrics
        base = try TestHarness(
            clock: clock, metrics: metrics,
            decider: inline ? { logger in Self.decider(engine: engine, clock: clock, metrics: metrics, logger: logger) } : nil, desk: desk)
    }

    /// On `backend`. On PostgreSQL the inbox only stores, whatever `inline` says: the processor answers every event
    /// (and the case desk, which needs the decider, is always there).
    init(
        backend: HarnessBackend, now: Int64 = ScriptFixture.openTime, inline: Bool = true, desk: CaseDesk.Settings = CaseDesk.Settings(),
        engine: TriageEngine = ScriptFixture.engine
    ) async throws {
        self.engine = engine
        let clock = RealTime.shiftedClock(startingAt: now)
        self.clock = clock
        let metrics = self.metrics
        let decider: (Logger) -> TriageDecider = { logger in Self.decider(engine: engine, clock: clock, metrics: metrics, logger: logger) }
        base = try await TestHarness(
            backend: backend, clock: clock, metrics: metrics,
            decider: inline || backend == .postgres ? decider : nil, desk: desk)
    }

    static func decider(
        engine: TriageEngine = ScriptFixture.engine, clock: WallClock, metrics: TsunaguMetrics, logger: Logger
    ) -> TriageDecider {
        TriageDecider(
            engine: engine, dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!, clock: clock, ids: RealTime.ids, metrics: metrics,
            logger: logger)
    }

    /// Reads the harness's database through a read-only connection of its own.
    func query<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) throws -> T {
        try DatabaseQueue(
            path: base.database.path,
            configuration: {
                var c = Configuration()
                c.readonly = true
                return c
            }()
        ).read(body)
    }

    /// What `body` drives: her phone, and what has reached it.
    struct Phone: Sendable {
        let sandbox: LineSandbox
        let client: any TestClientProtocol

        /// Sends `events` from `userID` as one signed webhook request; returns the HTTP status.
        @discardableResult
        func send(_ events: [PhoneEvent], from userID: String) async throws -> HTTPResponse.Status {
            let (body, signature) = sandbox.signed(events.map { sandbox.event($0, from: userID) })
            return try await client.postWebhook(body, signature: signature).status
        }

        @discardableResult
        func send(_ event: PhoneEvent, from userID: String) async throws -> HTTPResponse.Status {
            try await send([event], from: userID)
        }

        /// Sends `event` from `userID` as LINE redelivers it `age` after it happened (the first delivery never got
        /// through): the event's own timestamp, `isRedelivery`, and a reply token that works again for a minute
        /// only while the event is younger than 20 minutes.
        @discardableResult
        func sendRedelivered(_ event: PhoneEvent, from userID: String, happenedAgo age: TimeInterval) async throws -> HTTPResponse.Status {
            let (body, signature) = sandbox.signed([sandbox.redelivery(of: sandbox.event(event, from: userID, at: Date() - age))])
            return try await client.postWebhook(body, signature: signature).status
        }

        /// The texts she has received, in order.
        func received(by userID: String) -> [String] { sandbox.deliveries(to: userID).map(\.message.text) }

        /// Waits until she has received `count` messages in all; returns them.
        @discardableResult
        func waitForMessages(_ count: Int, to userID: String, sourceLocation: SourceLocation = #_sourceLocation) async -> [String] {
            let arrived = await eventually { received(by: userID).count >= count }
            #expect(arrived, "expected \(count) messages, got \(received(by: userID))", sourceLocation: sourceLocation)
            return received(by: userID)
        }
    }

    func run(_ body: @escaping @Sendable (Phone) async throws -> Void) async throws {
        let dependencies = base.dependencies
        let logger = base.logger
        let sandbox = sandbox
        let clock = clock
        let processor = InboxProcessor(
            store: dependencies.triage, decider: Self.decider(engine: engine, clock: clock, metrics: metrics, logger: logger),
            incoming: dependencies.inboxDoorbell, outgoing: dependencies.outboxDoorbell, metrics: metrics, logger: logger)
        let app = Application(
            router: buildWebhookRouter(dependencies: dependencies, maxBodyBytes: 64 * 1024),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await sandbox.serve { baseURL in
            let transport = CurlTransport()
            defer { transport.shutdown() }
            let sender = OutboxSender(
                store: dependencies.outbox,
                client: LineMessagingClient(transport: transport, accessToken: "sandbox-token", apiBaseURL: baseURL),
                sealer: EventSealer(dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!), doorbell: dependencies.outboxDoorbell,
                clock: clock, ids: RealTime.ids, logger: logger)
            try await app.test(.live) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await processor.run() }
                    group.addTask { try await sender.run() }
                    defer { group.cancelAll() }
                    try await body(Phone(sandbox: sandbox, client: client))
                }
            }
        }
    }
}
