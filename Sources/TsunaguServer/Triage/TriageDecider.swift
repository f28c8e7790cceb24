import Crypto
import Foundation
import LineMessaging
public import Logging
public import TsunaguCore

/// Decides what one inbox event does and seals what is kept: the step both the ingress (for events it can
/// process at once, in the transaction that stores them) and the ``InboxProcessor`` (for everything else)
/// run inside the store's transaction.
///
/// It opens the sealed event, maps it to a ``TriageEvent``, asks the ``TriageEngine``, and returns the
/// ``TriageCommit``: the new state, her words and the bot's sealed with the case's own key, the outbox rows of
/// the answer (the first call by reply while her token is fresh), deletions and shredding. Nothing it logs
/// names her or quotes her.
public struct TriageDecider: Sendable {
    let engine: TriageEngine
    let sealer: EventSealer
    private let pseudonymizer: Pseudonymizer
    let cipher: CaseCipher
    /// How the answer's messages become outbox rows; the case desk and the announcer are given the same builder.
    let outbox: OutboxEntryBuilder
    /// The server's clock: every decision, lease and record reads "now" here (tests move it).
    let clock: WallClock
    /// Where case ids, outbox ids, retry keys and erasure tokens come from.
    let ids: any IDSource
    private let metrics: TsunaguMetrics?
    private let logger: Logger

    public init(
        engine: TriageEngine, dataKey: DataKey, policy: DeliveryPolicy = DeliveryPolicy(), clock: WallClock, ids: any IDSource,
        metrics: TsunaguMetrics? = nil, logger: Logger
    ) {
        self.engine = engine
        self.sealer = EventSealer(dataKey: dataKey)
        self.pseudonymizer = Pseudonymizer(dataKey: dataKey)
        self.cipher = CaseCipher(dataKey: dataKey)
        self.outbox = OutboxEntryBuilder(sealer: sealer, policy: policy, ids: ids)
        self.clock = clock
        self.ids = ids
        self.metrics = metrics
        self.logger = logger
    }

    /// Now, in milliseconds since the epoch, by the server's clock.
    func now() -> Int64 { clock.now() }

    /// Runs inside the store's transaction: open the event, let the engine decide, seal what is kept.
    public func decide(_ event: InboxEvent, _ snapshot: TriageSnapshot) throws -> TriageCommit {
        guard let pseudonym = event.conversation, !event.sealedEvent.isEmpty else { return .nothing }
        let webhook = try webhookEvent(of: event)
        guard let incoming = IncomingEvent(webhook) else { return .nothing }

        var triageEvent = incoming.event
        if case .unsend(let messageID) = triageEvent { triageEvent = .unsend(messageID: messageRef(messageID)) }
        let now = clock.now()
        let decision = engine.decide(
            triageEvent, for: snapshot.conversation ?? Conversation(),
            context: TriageContext(now: now, waitingAhead: snapshot.waiting, isRedelivery: webhook.isRedelivery), newCaseID: ids.nextString())

        var commit = TriageCommit(conversation: decision.conversation)
        // On every event, not only when none is stored: the retention purge may forget it at any moment (on
        // PostgreSQL without her conversation's lock), and her message must bring it back whatever the order.
        commit.sealedAddress = try sealer.seal(Data(incoming.chatID.utf8), boundTo: pseudonym.rawValue)
        let record = decision.conversation.currentCase
        var caseKey: SymmetricKey?
        if decision.openedCase, let record {
            let (key, wrapped, fingerprint) = try cipher.newKey(for: record.id)
            commit.newCaseKey = (record.id, wrapped, fingerprint)
            caseKey = key
        } else if let wrapped = snapshot.wrappedCaseKey, let record {
            caseKey = try cipher.unwrap(wrapped, for: record.id, fingerprint: snapshot.caseKeyFingerprint)
        }

        var messages: [BotMessage] = []
        var leave: OutboxPayload.Leave?
        var held = HeldWords(sealer: sealer, conversation: pseudonym, sealed: snapshot.sealedHeldWords)
        for action in decision.actions {
            switch action {
            case .holdWords(let text):
                // The first message past the limit ends the holding; after it nothing is written again.
                if held.add(text, since: decision.conversation.heldSince ?? now) { commit.heldWords = try held.change() }
            case .releaseHeldWords:
                if let key = caseKey, let record {
                    for text in held.texts() {
                        commit.transcript.append(
                            TranscriptEntry(
                                caseID: record.id, at: now, author: .her, messageRef: nil,
                                sealedText: try CaseCipher.seal(text, with: key, caseID: record.id)))
                    }
                }
                commit.heldWords = .destroy
            case .dropHeldWords:
                commit.heldWords = .destroy
            case .record(let text):
                guard let key = caseKey, let record else { continue }
                commit.transcript.append(
                    TranscriptEntry(
                        caseID: record.id, at: now, author: .her, messageRef: incoming.messageID.map(messageRef),
                        sealedText: try CaseCipher.seal(text, with: key, caseID: record.id)))
            case .send(let sent):
                messages += sent
                if let key = caseKey, let record {
                    for message in sent {
                        commit.transcript.append(
                            TranscriptEntry(
                                caseID: record.id, at: now, author: .bot, messageRef: nil,
                                sealedText: try CaseCipher.seal(message.text, with: key, caseID: record.id)))
                    }
                }
            case .deleteMessage(let ref):
                commit.deletedMessageRefs.append(ref)
            case .shredCase(let caseID):
                commit.shreddedCases.append(caseID)
                if caseID == record?.id { caseKey = nil }
                commit.transcript.removeAll { $0.caseID == caseID }
            case .stopPushes:
                commit.withholdPending = true
            case .erase(let closing):
                commit.erasure = Erasure(closing: closing, personToken: ids.nextString())
            case .alert(let category):
                if let record { commit.alerts.append((record.id, category)) }
                // Raised at once, before the commit: if the transaction then fails (on PostgreSQL also when
                // another conversation of the same batch cannot be written, and the batch is redone one by one),
                // the event is decided again and alerts again. Counting an alert twice errs on the side of her
                // safety; counting only committed ones could lose one to a crash between commit and count.
                metrics?.recordEmergencyAlert()
                logger.warning("Emergency wording: the case is at the front of the queue", metadata: ["category": "\(category)"])
            case .flag(let category):
                logger.notice("Concern wording: the case's priority was raised", metadata: ["category": "\(category)"])
            case .leaveChat:
                leave = incoming.leave
            }
        }
        if decision.conversation.reachable {
            commit.outbox = try outbox.entries(
                messages, to: incoming.chatID, replyToken: incoming.replyToken, leave: leave, conversation: pseudonym,
                receivedAt: event.receivedAt, occurredAt: event.occurredAt, now: now)
        }
        return commit
    }

    /// The event as the ingress decoded it when it is answered in the storing transaction, else opened and decoded.
    private func webhookEvent(of event: InboxEvent) throws -> WebhookEvent {
        if let received = event.received as? WebhookEvent { return received }
        return try JSONDecoder().decode(WebhookEvent.self, from: try sealer.open(event.sealedEvent, boundTo: event.eventID))
    }

    /// A keyed reference to one of her LINE message ids: an unsend finds the message, nobody else can.
    private func messageRef(_ messageID: String) -> String {
        pseudonymizer.pseudonym(of: "message:" + messageID).rawValue
    }
}
