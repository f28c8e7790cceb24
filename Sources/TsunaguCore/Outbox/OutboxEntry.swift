/// One outgoing send the outbox holds until LINE has accepted it: up to five messages to one chat.
///
/// Everything identifying (the LINE chat id to push to, the reply token, the message text) is in
/// `sealedPayload`; the rest is what ordering, retrying and reporting need.
public struct OutboxEntry: Sendable, Hashable {
    public var id: String
    /// The chat it goes to; entries of one conversation are delivered strictly in `sequence` order.
    public var conversation: Pseudonym
    public var sequence: Int64
    /// The retry key every push of this entry carries, the same on every attempt.
    public var retryKey: String
    public var state: OutboxState
    /// Milliseconds since the epoch.
    public var createdAt: Int64
    /// Until when a reply token may still be used (its issue time plus LINE's lifetime, minus a margin);
    /// `nil` when the entry has no reply token, or may no longer use it.
    public var replyTokenUsableUntil: Int64?
    /// A reply may have reached LINE without its outcome being known: set after a timeout or a 5xx, and at
    /// start-up on every pending entry that may still reply (a sender that died may have had its reply accepted),
    /// so that "Invalid reply token" on the next attempt means the token was used by us.
    public var replyOutcomeUnknown: Bool
    /// When the first push was attempted: retries must end before LINE forgets the retry key (24 hours).
    public var firstPushAt: Int64?
    public var attempts: Int
    /// When the next attempt may be made.
    public var nextAttemptAt: Int64
    /// LINE's error message of the last failed attempt (never message text or ids).
    public var lastError: String?
    /// Opaque: the sealed chat id, reply token and messages.
    public var sealedPayload: [UInt8]

    public init(
        id: String, conversation: Pseudonym, sequence: Int64, retryKey: String, state: OutboxState = .pending,
        createdAt: Int64, replyTokenUsableUntil: Int64?, replyOutcomeUnknown: Bool = false, firstPushAt: Int64? = nil,
        attempts: Int = 0, nextAttemptAt: Int64, lastError: String? = nil, sealedPayload: [UInt8]
    ) {
        self.id = id
        self.conversation = conversation
        self.sequence = sequence
        self.retryKey = retryKey
        self.state = state
        self.createdAt = createdAt
        self.replyTokenUsableUntil = replyTokenUsableUntil
        self.replyOutcomeUnknown = replyOutcomeUnknown
        self.firstPushAt = firstPushAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.sealedPayload = sealedPayload
    }
}

/// Where an outbox entry is in its life.
public enum OutboxState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not yet accepted by LINE.
    case pending
    /// Accepted by LINE (now, or by an earlier attempt).
    case delivered
    /// LINE refused it for good (a 4xx other than 429), or retries ran out; operators see these.
    case deadLettered
    /// Not sent because she blocked the account: pushes to her are not delivered, and she chose silence.
    case withheld

    /// Whether an entry in this state still needs its sealed payload: only while it may yet be sent. A dead letter
    /// keeps LINE's reason and its counts, never her id or the text (every backend nulls the payload with it).
    public var keepsPayload: Bool { self == .pending }
}
