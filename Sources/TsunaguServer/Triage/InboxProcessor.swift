import Crypto
import Foundation
import Synchronization
import LineMessaging
public import Logging
public import ServiceLifecycle
public import TsunaguCore

/// The service that turns inbox events into conversation: for each event, in order per chat, it runs the
/// ``TriageEngine`` and commits the new state, her recorded message and the outbox rows of the bot's answer
/// in the transaction that marks the event processed — exactly once, even across a crash.
///
/// It wakes when the ingress rings its ``Doorbell`` (and polls now and then for anything left over from
/// before a restart), and rings the sender's bell when it has queued answers, so a reply leaves within
/// milliseconds of her message. Nothing it logs names her or quotes her.
public struct InboxProcessor: Service {
    private let store: any TriageStore
    private let engine: TriageEngine
    private let sealer: EventSealer
    private let pseudonymizer: Pseudonymizer
    private let cipher: CaseCipher
    private let policy: DeliveryPolicy
    private let incoming: Doorbell
    private let outgoing: Doorbell?
    private let now: @Sendable () -> Int64
    private let metrics: TsunaguMetrics?
    private let logger: Logger
    private let batchSize: Int

    public init(
        store: any TriageStore, engine: TriageEngine, dataKey: DataKey, policy: DeliveryPolicy = DeliveryPolicy(),
        incoming: Doorbell, outgoing: Doorbell? = nil, now: (@Sendable () -> Int64)? = nil, batchSize: Int = 256,
        metrics: TsunaguMetrics? = nil, logger: Logger
    ) {
        self.store = store
        self.engine = engine
        self.sealer = EventSealer(dataKey: dataKey)
        self.pseudonymizer = Pseudonymizer(dataKey: dataKey)
        self.cipher = CaseCipher(dataKey: dataKey)
        self.policy = policy
        self.incoming = incoming
        self.outgoing = outgoing
        self.now = now ?? { Int64(Date().timeIntervalSince1970 * 1000) }
        self.batchSize = batchSize
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if await processPending() == 0 {
                await incoming.wait(upTo: .milliseconds(500))
            }
        }
    }

    /// One batch of pending events, oldest first, in one transaction. Returns how many were processed.
    @discardableResult
    public func processPending() async -> Int {
        do {
            let events = try await store.pendingEvents(limit: batchSize)
            guard !events.isEmpty else { return 0 }
            let alerts = Alerts()
            let result = try await store.process(events) { event, snapshot in
                try decide(event, snapshot, alerts: alerts)
            }
            metrics?.recordTriage(processed: result.processed, failed: result.failed.count)
            for event in result.failed {
                logger.error("An inbox event could not be processed; it will be retried", metadata: ["inbox.event": "\(event)"])
            }
            if result.enqueued > 0 { outgoing?.ring() }
            // Counted only now: if the batch had rolled back, the alert would be raised again on retry.
            for category in alerts.raised {
                metrics?.recordEmergencyAlert(category: category)
                logger.warning("Emergency wording: the case is at the front of the queue", metadata: ["category": "\(category)"])
            }
            // A batch in which every event failed would spin: wait for the next ring or poll instead.
            return result.processed
        } catch {
            logger.error("Could not process the inbox", metadata: ["error.type": "\(type(of: error))"])
            return 0
        }
    }

    /// Runs inside the store's transaction: open the event, let the engine decide, seal what is kept.
    private func decide(_ event: InboxEvent, _ snapshot: TriageSnapshot, alerts: Alerts) throws -> TriageCommit {
        guard let pseudonym = event.conversation, !event.sealedEvent.isEmpty else { return .nothing }
        let raw = try sealer.open(event.sealedEvent, boundTo: event.eventID)
        guard let incoming = IncomingEvent(try JSONDecoder().decode(WebhookEvent.self, from: raw)) else { return .nothing }

        var triageEvent = incoming.event
        if case .unsend(let messageID) = triageEvent { triageEvent = .unsend(messageID: messageRef(messageID)) }
        let now = self.now()
        let decision = engine.decide(
            triageEvent, for: snapshot.conversation ?? Conversation(),
            context: TriageContext(now: now, waitingAhead: snapshot.waiting), newCaseID: UUID().uuidString.lowercased())

        var commit = TriageCommit(conversation: decision.conversation)
        if snapshot.sealedAddress == nil { commit.sealedAddress = try sealer.seal(Data(incoming.chatID.utf8), boundTo: pseudonym.rawValue) }
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
        for action in decision.actions {
            switch action {
            case .record(let text):
                guard let key = caseKey, let record else { continue }
                commit.transcript.append(TranscriptEntry(
                    caseID: record.id, at: now, author: .her, messageRef: incoming.messageID.map(messageRef),
                    sealedText: try CaseCipher.seal(text, with: key, caseID: record.id)))
            case .send(let sent):
                messages += sent
                if let key = caseKey, let record {
                    for message in sent {
                        commit.transcript.append(TranscriptEntry(
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
            case .alert(let category):
                alerts.raise(category)
            case .leaveChat:
                leave = incoming.leave
            }
        }
        if decision.conversation.reachable {
            commit.outbox = try outboxEntries(
                messages, to: incoming.chatID, replyToken: incoming.replyToken, leave: leave, conversation: pseudonym,
                receivedAt: event.receivedAt, now: now)
        }
        return commit
    }

    /// The bot's messages as outbox rows: up to five a call, the first call by reply while the token is fresh.
    private func outboxEntries(
        _ messages: [BotMessage], to chatID: String, replyToken: String?, leave: OutboxPayload.Leave?, conversation: Pseudonym,
        receivedAt: Int64, now: Int64
    ) throws -> [NewOutboxEntry] {
        let outgoing = try MessageLimits.prepare(messages.map { message in
            OutgoingMessage(
                text: message.text,
                quickReply: message.choices.map { QuickReplyButton(label: $0.label, action: .postback(data: $0.data, displayText: $0.label)) })
        })
        var calls = stride(from: 0, to: outgoing.count, by: MessageLimits.messagesPerCall).map {
            Array(outgoing[$0..<min($0 + MessageLimits.messagesPerCall, outgoing.count)])
        }
        if calls.isEmpty {
            guard leave != nil else { return [] }
            calls = [[]]
        }
        return try calls.enumerated().map { index, call in
            let id = UUID().uuidString.lowercased()
            let token = index == 0 ? replyToken : nil
            let payload = OutboxPayload(chatID: chatID, replyToken: token, messages: call, leave: index == calls.count - 1 ? leave : nil)
            return NewOutboxEntry(
                id: id, conversation: conversation, retryKey: UUID().uuidString.lowercased(), createdAt: now,
                replyTokenUsableUntil: token.map { _ in policy.replyTokenUsableUntil(receivedAt: receivedAt) },
                sealedPayload: try payload.sealed(with: sealer, entryID: id))
        }
    }

    /// A keyed reference to one of her LINE message ids: an unsend finds the message, nobody else can.
    private func messageRef(_ messageID: String) -> String {
        pseudonymizer.pseudonym(of: "message:" + messageID).rawValue
    }
}

/// Emergency alerts decided within a batch, raised once the batch is committed.
private final class Alerts: Sendable {
    private let categories = Mutex<[String]>([])

    func raise(_ category: String) { categories.withLock { $0.append(category) } }

    var raised: [String] { categories.withLock { $0 } }
}
