/// The durable outbox: every send Tsunagu has decided on, until LINE has accepted it.
///
/// The contract every backend keeps (checked by the outbox store-contract suite):
/// - ``enqueue(_:)`` returns once the entries are durable, numbered per conversation in the order given;
/// - ``dueEntries(now:limit:)`` offers only the *head* of each conversation (its lowest-numbered pending
///   entry), and only when its next attempt is due, so a later message never overtakes an earlier one;
/// - delivered and withheld entries lose their sealed payload: nothing is kept longer than needed.
public protocol OutboxStore: Sendable {
    func enqueue(_ entries: [NewOutboxEntry]) async throws -> [OutboxEntry]
    func dueEntries(now: Int64, limit: Int) async throws -> [OutboxEntry]
    /// Saves entries after their attempts, in one transaction.
    func update(_ entries: [OutboxEntry]) async throws
    /// Withholds every pending entry of a conversation (she blocked the account); returns how many.
    func withholdPending(for conversation: Pseudonym) async throws -> Int
    func counts() async throws -> OutboxCounts
}

/// A send to add to the outbox.
public struct NewOutboxEntry: Sendable, Hashable {
    public var id: String
    public var conversation: Pseudonym
    public var retryKey: String
    public var createdAt: Int64
    public var replyTokenUsableUntil: Int64?
    public var sealedPayload: [UInt8]

    public init(
        id: String, conversation: Pseudonym, retryKey: String, createdAt: Int64, replyTokenUsableUntil: Int64?,
        sealedPayload: [UInt8]
    ) {
        self.id = id
        self.conversation = conversation
        self.retryKey = retryKey
        self.createdAt = createdAt
        self.replyTokenUsableUntil = replyTokenUsableUntil
        self.sealedPayload = sealedPayload
    }
}

/// The outbox's tallies and dead letters, as `tsunagud outbox --json` will print them: no text, no ids.
public struct OutboxCounts: Sendable, Hashable, Codable {
    public struct DeadLetter: Sendable, Hashable, Codable {
        public var id: String
        public var createdAt: Int64
        public var attempts: Int
        public var reason: String?

        public init(id: String, createdAt: Int64, attempts: Int, reason: String?) {
            self.id = id
            self.createdAt = createdAt
            self.attempts = attempts
            self.reason = reason
        }
    }

    public var byState: [String: Int]
    public var deadLetters: [DeadLetter]

    public init(byState: [String: Int], deadLetters: [DeadLetter]) {
        self.byState = byState
        self.deadLetters = deadLetters
    }
}
