import LineMessaging
import TsunaguCore

/// The bot's messages as outbox rows, sealed: what triage's answers, a counsellor's case actions and announcements
/// all queue, each through this one type, so the split into calls, the reply token's use and the sealing are decided
/// in one place. The decider makes one from its key, delivery policy and ids, and the case desk is given that one.
struct OutboxEntryBuilder: Sendable {
    let sealer: EventSealer
    let policy: DeliveryPolicy
    let ids: any IDSource

    /// The bot's messages as outbox rows: up to five a call, the first call by reply while the token is fresh.
    func entries(
        _ messages: [BotMessage], to chatID: String, replyToken: String?, leave: OutboxPayload.Leave?, conversation: Pseudonym,
        receivedAt: Int64, occurredAt: Int64, now: Int64
    ) throws -> [NewOutboxEntry] {
        let outgoing = try MessageLimits.prepare(
            messages.map { message in
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
        let usableUntil = policy.replyTokenUsableUntil(receivedAt: receivedAt, occurredAt: occurredAt, now: now)
        return try calls.enumerated().map { index, call in
            let id = ids.nextString()
            let token = index == 0 && usableUntil != nil ? replyToken : nil
            let payload = OutboxPayload(chatID: chatID, replyToken: token, messages: call, leave: index == calls.count - 1 ? leave : nil)
            return NewOutboxEntry(
                id: id, conversation: conversation, retryKey: ids.nextString(), createdAt: now,
                replyTokenUsableUntil: token == nil ? nil : usableUntil,
                sealedPayload: try payload.sealed(with: sealer, entryID: id))
        }
    }
}
