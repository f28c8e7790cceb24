/// A case as the counsellor holding it sees it in listings: the anonymous triage record, its handle and who
/// holds it. Never text and never an id of her.
public struct CaseSummary: Sendable, Hashable, Codable {
    public var handle: String
    public var priority: Priority
    public var topic: String?
    public var urgency: String?
    /// The emergency category detected, if any.
    public var emergency: String?
    public var outOfHours: Bool
    /// Milliseconds since the epoch, like every time here.
    public var queuedAt: Int64?
    /// When a counsellor first took it.
    public var claimedAt: Int64?
    /// The counsellor holding it, while someone does.
    public var counsellor: String?
    /// When the holder's claim lapses unless the holder acts on the case again.
    public var leaseUntil: Int64?
    public var closedAt: Int64?
    public var outcome: String?
    public var referral: String?
    /// `false` once she has blocked the account: replies cannot reach her.
    public var reachable: Bool

    public init(
        handle: String, priority: Priority, topic: String? = nil, urgency: String? = nil, emergency: String? = nil,
        outOfHours: Bool = false, queuedAt: Int64? = nil, claimedAt: Int64? = nil, counsellor: String? = nil,
        leaseUntil: Int64? = nil, closedAt: Int64? = nil, outcome: String? = nil, referral: String? = nil, reachable: Bool = true
    ) {
        self.handle = handle
        self.priority = priority
        self.topic = topic
        self.urgency = urgency
        self.emergency = emergency
        self.outOfHours = outOfHours
        self.queuedAt = queuedAt
        self.claimedAt = claimedAt
        self.counsellor = counsellor
        self.leaseUntil = leaseUntil
        self.closedAt = closedAt
        self.outcome = outcome
        self.referral = referral
        self.reachable = reachable
    }
}

/// One line of a transcript as the holding counsellor reads it, opened with the case's key.
public struct TranscriptLine: Sendable, Hashable, Codable {
    /// Increasing within a case: ask for lines `after` the last one seen.
    public var id: Int64
    public var at: Int64
    /// `her`, `bot`, `counsellor`, or `note` (a private note, never sent to her).
    public var author: String
    public var text: String

    public init(id: Int64, at: Int64, author: String, text: String) {
        self.id = id
        self.at = at
        self.author = author
        self.text = text
    }
}

/// A case with its transcript: what `GET /api/v1/cases/{handle}` answers to the counsellor holding it.
public struct CaseDetail: Sendable, Hashable, Codable {
    public var summary: CaseSummary
    public var lines: [TranscriptLine]

    public init(summary: CaseSummary, lines: [TranscriptLine]) {
        self.summary = summary
        self.lines = lines
    }
}
