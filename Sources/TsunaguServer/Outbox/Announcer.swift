import Foundation
import LineMessaging
public import TsunaguCore

/// Pushes one of the programme's announcements (the month's drop-in schedule, an event) to everyone who asked for
/// them, and to nobody else: one outbox entry each, delivered by the running server's sender like any push, with
/// the button that stops them under it.
///
/// Pushes count against the plan's monthly quota (replies do not), so ``plan(now:)`` says what an announcement
/// would cost before anything is sent, and ``enqueue(_:now:)`` refuses one that would not fit.
public struct Announcer: Sendable {
    let stores: StoreSet
    /// The script's announcements section: the button that stops them.
    let script: ConversationScript
    /// Opens each recipient's sealed address.
    let addresses: EventSealer
    let outboxBuilder: OutboxEntryBuilder
    /// The plan's monthly push allowance; 0 when it is not tracked.
    let monthlyQuota: Int

    /// - Parameters:
    ///   - dataKey: what her address is sealed with and the outbox rows are sealed with, as the server's.
    ///   - ids: the outbox rows' ids and retry keys.
    public init(stores: StoreSet, script: ConversationScript, dataKey: DataKey, ids: any IDSource, monthlyQuota: Int) {
        self.stores = stores
        self.script = script
        self.addresses = EventSealer(dataKey: dataKey)
        // Announcements are pushes, never replies: the delivery policy's reply-token rule does not apply to them.
        self.outboxBuilder = OutboxEntryBuilder(sealer: addresses, policy: DeliveryPolicy(), ids: ids)
        self.monthlyQuota = monthlyQuota
    }

    /// What an announcement would cost this month.
    public struct Plan: Sendable, Hashable, Codable {
        /// People who asked for announcements and can be reached.
        public var recipients: Int
        /// LINE counts a push once per person it reaches.
        public var messages: Int
        /// The month (Japan time), the pushes already sent in it, and the plan's allowance (0: not tracked).
        public var month: String
        public var pushesThisMonth: Int
        public var monthlyQuota: Int

        /// What would be left of the allowance after sending; `nil` when the quota is not tracked.
        public var remainingAfter: Int? { monthlyQuota > 0 ? monthlyQuota - pushesThisMonth - messages : nil }
        public var fits: Bool { (remainingAfter ?? 0) >= 0 }
    }

    /// Why an announcement was not sent, in one sentence.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public func plan(now: Int64) async throws -> Plan {
        try await plan(for: stores.triage.announcementRecipients().count, now: now)
    }

    private func plan(for recipients: Int, now: Int64) async throws -> Plan {
        let month = QuotaMonth.of(milliseconds: now)
        let used = try await stores.outbox.counts().pushesByMonth[month] ?? 0
        return Plan(recipients: recipients, messages: recipients, month: month, pushesThisMonth: used, monthlyQuota: monthlyQuota)
    }

    /// Adds the announcement to the outbox for each recipient; returns the plan it was sent under.
    /// - Throws: ``Refusal`` for an empty or too long text, a script without announcements, or a quota it would
    ///   exceed; nothing is enqueued then.
    public func enqueue(_ text: String, now: Int64) async throws -> Plan {
        guard !text.allSatisfy(\.isWhitespace) else { throw Refusal(description: "The announcement is empty; write its text in the file.") }
        guard text.utf16.count <= MessageLimits.textUTF16Units else {
            throw Refusal(description: "The announcement is longer than LINE's \(MessageLimits.textUTF16Units) characters; shorten it.")
        }
        guard let wording = script.announcements else {
            throw Refusal(description: "The script has no announcements section, so nobody can have asked for them.")
        }
        // Read once: the plan counts exactly the people the entries are made for.
        let recipients = try await stores.triage.announcementRecipients()
        let plan = try await plan(for: recipients.count, now: now)
        guard plan.fits else {
            throw Refusal(
                description:
                    "It would take \(plan.messages) pushes and only \(max(0, plan.monthlyQuota - plan.pushesThisMonth)) are left of this month's \(plan.monthlyQuota); send it next month or raise the plan."
            )
        }
        let message = BotMessage(text: text, choices: [BotChoice(label: wording.unsubscribe, data: "announce:off")])
        var entries: [NewOutboxEntry] = []
        for recipient in recipients {
            let chatID = String(decoding: try addresses.open(recipient.sealedAddress, boundTo: recipient.conversation.rawValue), as: UTF8.self)
            entries += try outboxBuilder.entries(
                [message], to: chatID, replyToken: nil, leave: nil, conversation: recipient.conversation, receivedAt: now, occurredAt: now, now: now)
        }
        _ = try await stores.outbox.enqueue(entries)
        return plan
    }
}
