/// One webhook event as the inbox keeps it: identifying and sensitive content only in `sealedEvent`,
/// everything needed to order and route it in clear.
public struct InboxEvent: Sendable, Hashable {
    /// LINE's `webhookEventId`, the dedupe key (or a digest of the event for old-format bodies without one).
    public var eventID: String
    /// The event's `type` as LINE named it, e.g. `message`, `follow`, or a type we do not know yet.
    public var eventType: String
    /// When the event happened, in milliseconds since the epoch (LINE's `timestamp`).
    public var occurredAt: Int64
    /// When Tsunagu received it, in milliseconds since the epoch.
    public var receivedAt: Int64
    public var sourceKind: SourceKind
    /// The chat the event belongs to; `nil` when the event has no chat (e.g. partner-feature events).
    public var conversation: Pseudonym?
    /// The event's JSON as received, sealed with AES-GCM; opaque to the core and the store.
    public var sealedEvent: [UInt8]
    /// The event as the ingress decoded it, in memory only: answering it in the transaction that stores it then
    /// neither opens nor decodes ``sealedEvent`` again. Never stored, so `nil` for every event read back. Opaque
    /// to the core (it is the LINE module's type); equality and hashing ignore it, as it repeats ``sealedEvent``.
    public var received: (any Sendable)?

    /// A keyed digest of ``eventID`` (HMAC under a key from the keyring), set by the ingress: all that is kept of
    /// the event, for ``seenRetentionDays``, once its inbox row is gone, so that a late redelivery is still dropped.
    /// `nil` for events read back from the inbox.
    public var eventDigest: [UInt8]?

    /// How long a received event's digest is kept, in days.
    ///
    /// Why thirty: the processed inbox row goes after `TSUNAGU_RETENTION_INBOX_HOURS` (24 by default), but LINE
    /// publishes no bound on how late a redelivery can come (its count and intervals are unpublished; 24 hours is
    /// only a floor). Answered again, a redelivered message would repeat her conversation's step to her, weeks later.
    /// A keyed digest says nothing about her or what she wrote, and has no link to her conversation, so it can be
    /// kept far beyond any plausible redelivery: a month, about thirty times the inbox's own period.
    public static let seenRetentionDays = 30

    public init(
        eventID: String, eventType: String, occurredAt: Int64, receivedAt: Int64,
        sourceKind: SourceKind, conversation: Pseudonym?, sealedEvent: [UInt8], received: (any Sendable)? = nil,
        eventDigest: [UInt8]? = nil
    ) {
        self.eventID = eventID
        self.eventType = eventType
        self.occurredAt = occurredAt
        self.receivedAt = receivedAt
        self.sourceKind = sourceKind
        self.conversation = conversation
        self.sealedEvent = sealedEvent
        self.received = received
        self.eventDigest = eventDigest
    }

    public static func == (lhs: InboxEvent, rhs: InboxEvent) -> Bool {
        lhs.eventID == rhs.eventID && lhs.eventType == rhs.eventType && lhs.occurredAt == rhs.occurredAt
            && lhs.receivedAt == rhs.receivedAt && lhs.sourceKind == rhs.sourceKind && lhs.conversation == rhs.conversation
            && lhs.sealedEvent == rhs.sealedEvent
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(eventID)
        hasher.combine(sealedEvent)
    }

    /// When the digest was seen, as kept: the hour of receipt, so that it does not tell when she wrote more closely
    /// than its retention needs.
    public var seenHour: Int64 { receivedAt - receivedAt % 3_600_000 }
}
