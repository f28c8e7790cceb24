import Foundation
import LineMessaging
import LineSandbox
import Logging
import Testing
import TsunaguCore
import TsunaguServer
import TsunaguTesting

/// The decider answers from what the ingress decoded when it has it, and from the sealed event otherwise.
@Suite struct TriageDeciderTests {
    let sandbox = LineSandbox(configuration: .init(accessToken: "sandbox-token", channelSecret: TestSecrets.channelSecret))
    let decider = ConversationHarness.decider(clock: { ScriptFixture.openTime }, metrics: TsunaguMetrics(), logger: Logger(label: "test"))
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
}
