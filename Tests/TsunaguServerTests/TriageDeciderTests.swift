import Foundation
import LineMessaging
import LineSandbox
import Logging
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguServer
import TsunaguTesting

/// The decider answers from what the ingress decoded when it has it, and from the sealed event otherwise.
@Suite struct TriageDeciderTests {
    let sandbox = LineSandbox(
        configuration: .init(
            now: RealTime.now, newID: RealTime.newID, accessToken: "sandbox-token", channelSecret: TestSecrets.channelSecret))
    let decider = ConversationHarness.decider(
        clock: ManualClock(at: ScriptFixture.openTime).clock, metrics: TsunaguMetrics(), logger: Logger(label: "test"))
    let empty = TriageSnapshot(conversation: nil, sealedAddress: nil, wrappedCaseKey: nil, waiting: [:])

    /// Her first message, signed and decoded as the ingress decodes it.
    func received() throws -> WebhookEvent {
        let (body, signature) = sandbox.signed([sandbox.event(.text("こんにちは"), from: "Udecider")])
        let verified = try #require(WebhookSignature(channelSecret: TestSecrets.channelSecret).verify(body, signature: signature))
        return try #require(try WebhookRequestBody.decode(verified).events.first)
    }

    func event(sealed: [UInt8], received: WebhookEvent?) throws -> InboxEvent {
        InboxEvent(
            eventID: "decider-1", eventType: "message", occurredAt: ScriptFixture.openTime, receivedAt: ScriptFixture.openTime,
            sourceKind: .user, conversation: Pseudonym(rawValue: "p-decider"), sealedEvent: sealed, received: received)
    }

    @Test("an event answered as it is stored is not opened and decoded again")
    func usesWhatTheIngressDecoded() throws {
        // Bytes that no key opens: only the decoded event can make this answerable.
        let commit = try decider.decide(try event(sealed: [1, 2, 3], received: try received()), empty)
        #expect(commit.conversation != nil)
        #expect(!commit.outbox.isEmpty)
    }

    @Test("an event read back from the inbox is opened from its sealed bytes")
    func opensWhatWasStored() throws {
        let webhook = try received()
        let sealed = try EventSealer(dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!).seal(webhook.rawJSON, boundTo: "decider-1")
        let commit = try decider.decide(try event(sealed: sealed, received: nil), empty)
        #expect(!commit.outbox.isEmpty)
        #expect(throws: (any Error).self) { try decider.decide(try event(sealed: [1, 2, 3], received: nil), empty) }
    }

    /// Time and ids come only from what the decider is given, so a test names every moment and id of a decision
    /// (before, each was read from the wall clock and `UUID()` inline).
    @Test("a decision's outbox ids, retry keys and times are the injected clock's and id source's")
    func timeAndIDsAreInjected() throws {
        let clock = ManualClock(at: ScriptFixture.openTime + 5_000)
        let decider = TriageDecider(
            engine: ScriptFixture.rulesOnlyEngine, dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!, clock: clock.clock,
            ids: SequentialIDs(prefix: 7), logger: Logger(label: "test"))
        func id(_ number: Int) -> String { "00000007-0000-0000-0000-" + String(repeating: "0", count: 12 - String(number).count) + String(number) }

        let first = try decider.decide(try event(sealed: [1, 2, 3], received: try received()), empty)
        // Id 1 is the case id offered to the engine; then each entry takes its id and its retry key, in order.
        #expect(!first.outbox.isEmpty)
        #expect(first.outbox.flatMap { [$0.id, $0.retryKey] } == (0..<first.outbox.count * 2).map { id(2 + $0) })
        #expect(first.outbox.allSatisfy { $0.createdAt == ScriptFixture.openTime + 5_000 })

        clock.advance(by: 3_600_000)
        let later = try decider.decide(try event(sealed: [1, 2, 3], received: try received()), empty)
        #expect(later.outbox.allSatisfy { $0.createdAt == ScriptFixture.openTime + 3_605_000 }, "the clock moved, and only it")
        #expect(later.outbox.first?.id == id(2 + first.outbox.count * 2 + 1))
    }
}
