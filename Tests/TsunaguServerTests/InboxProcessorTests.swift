import Foundation
import LineMessaging
import LineSandbox
import Logging
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

@Suite("Inbox processor")
struct InboxProcessorTests {
    let sandbox = LineSandbox(
        configuration: .init(
            now: RealTime.now, newID: RealTime.newID, accessToken: "sandbox-token", channelSecret: TestSecrets.channelSecret))

    /// A message of hers as the inbox keeps it: sealed with the data key, bound to its event id.
    func sealedEvent(_ id: String, conversation: String) throws -> InboxEvent {
        let (body, signature) = sandbox.signed([sandbox.event(.text("相談したいです"), from: "U" + conversation)])
        let verified = try #require(WebhookSignature(channelSecret: TestSecrets.channelSecret).verify(body, signature: signature))
        let webhook = try #require(try WebhookRequestBody.decode(verified).events.first)
        let sealed = try EventSealer(dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!).seal(webhook.rawJSON, boundTo: id)
        return InboxEvent(
            eventID: id, eventType: "message", occurredAt: ScriptFixture.openTime, receivedAt: ScriptFixture.openTime,
            sourceKind: .user, conversation: Pseudonym(rawValue: conversation), sealedEvent: sealed)
    }

    /// Her events fail for good (bytes no key opens, as a stored state that cannot be read would): more of them
    /// than a batch holds must not keep every later woman's event out of every batch.
    @Test("a conversation whose events keep failing holds up no one else's")
    func failingConversationHoldsUpNoOne() async throws {
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase.open(path: directory.path("inbox.sqlite"), clock: RealTime.clock)
        let (inbox, triage) = (SQLiteInboxStore(database: database), SQLiteTriageStore(database: database))
        let broken = (0..<6).map { index in
            InboxEvent(
                eventID: "broken-\(index)", eventType: "message", occurredAt: ScriptFixture.openTime, receivedAt: ScriptFixture.openTime,
                sourceKind: .user, conversation: Pseudonym(rawValue: "p-broken"), sealedEvent: [1, 2, 3])
        }
        _ = try await inbox.append(broken + [try sealedEvent("later-1", conversation: "p-later")])
        let processor = InboxProcessor(
            store: triage,
            decider: ConversationHarness.decider(
                clock: ManualClock(at: ScriptFixture.openTime).clock, metrics: TsunaguMetrics(), logger: Logger(label: "test")),
            incoming: Doorbell(), batchSize: 4, logger: Logger(label: "test"))

        #expect(await processor.processPending() == 0, "the first batch is hers, and fails")
        #expect(await processor.processPending() == 1, "the next batch leaves her out and answers the later woman")
        let pending = try await triage.pendingEvents(limit: 10).map(\.eventID)
        #expect(pending == broken.map(\.eventID), "hers stay pending, in order, to be tried again")
    }
}
