/// The durable outbox: every send Tsunagu has decided on, until LINE has accepted it.
///
/// The contract every backend keeps (checked by the outbox store-contract suite):
/// - ``enqueue(_:)`` returns once the entries are durable, numbered per conversation in the order given;
/// - ``dueEntries(now:limit:excluding:)`` offers only the *head* of each conversation (its lowest-numbered
///   pending entry), and only when its next attempt is due, so a later message never overtakes an earlier one;
///   conversations in `excluding` (a send already in flight) are skipped;
/// - delivered and withheld entries lose their sealed payload: nothing is kept longer than needed.
public protocol OutboxStore: Sendable {
    func enqueue(_ entries: [NewOutboxEntry]) async throws -> [OutboxEntry]
    func dueEntries(now: Int64, limit: Int, excluding busy: Set<Pseudonym>) async throws -> [OutboxEntry]
    /// Saves entries after their attempts, in one transaction, adding `pushes` delivered pushes to the count
    /// of `month` (e.g. `2026-11`); returns that month's count after the update.
    @discardableResult
    func update(_ entries: [OutboxEntry], countingPushes pushes: Int, in month: String) async throws -> Int
    /// At start-up: marks every pending entry that may still reply as possibly replied already, since a sender
    /// that died may have had its reply accepted without saving that. A used token then reads as delivered
    /// rather than as a reason to push the same messages again. Returns how many.
    func markRepliesPossiblyMade() async throws -> Int
    /// Withholds every pending entry of a conversation (she blocked the account); returns how many.
    func withholdPending(for conversation: Pseudonym) async throws -> Int
    func counts() async throws -> OutboxCounts
    /// How many entries are pending; cheap, for the metrics gauge read at every scrape.
    func pendingCount() async throws -> Int
}

extension OutboxStore {
    public func dueEntries(now: Int64, limit: Int) async throws -> [OutboxEntry] {
        try await dueEntries(now: now, limit: limit, excluding: [])
    }
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
    /// Pushes LINE accepted, by month (Japan time, `yyyy-MM`): what free plans cap. Replies are free.
    public var pushesByMonth: [String: Int]

    public init(byState: [String: Int], deadLetters: [DeadLetter], pushesByMonth: [String: Int] = [:]) {
        self.byState = byState
        self.deadLetters = deadLetters
        self.pushesByMonth = pushesByMonth
    }
}

/// The month LINE's message allowance counts in: the calendar month in Japan (UTC+9), as `yyyy-MM`.
public enum QuotaMonth {
    public static func of(milliseconds: Int64) -> String {
        String(JapanTime(milliseconds: milliseconds).date.description.prefix(7))
    }
}
