/// What statistics are made of: one case's anonymous triage record, and an opaque key for the person, used only
/// to count people and never shown. No text, no LINE id.
public struct CaseFacts: Sendable, Hashable, Codable {
    /// How she reached the office.
    public enum Channel: String, Sendable, Hashable, Codable, CaseIterable {
        case line
        case phone
        case visit
        /// At a drop-in session (居場所), with a counsellor on site.
        case onsite
    }

    /// The keyed pseudonym of her chat, `nil` for a consultation logged by a counsellor (each counts as one person).
    public var person: String?
    /// When this person's first case ever was opened (for returning people); milliseconds since the epoch.
    public var personFirstSeenAt: Int64?
    public var channel: Channel
    public var openedAt: Int64
    public var topic: String?
    public var urgency: String?
    public var priority: Priority?
    public var emergency: String?
    public var outOfHours: Bool
    /// When she reached the queue: the case is a consultation (not only a greeting).
    public var queuedAt: Int64?
    public var claimedAt: Int64?
    /// A counsellor's first reply to her.
    public var firstResponseAt: Int64?
    public var closedAt: Int64?
    public var outcome: String?
    public var referral: String?
    public var satisfaction: String?

    public init(
        person: String?, personFirstSeenAt: Int64? = nil, channel: Channel = .line, openedAt: Int64, topic: String? = nil,
        urgency: String? = nil, priority: Priority? = nil, emergency: String? = nil, outOfHours: Bool = false,
        queuedAt: Int64? = nil, claimedAt: Int64? = nil, firstResponseAt: Int64? = nil, closedAt: Int64? = nil, outcome: String? = nil,
        referral: String? = nil,
        satisfaction: String? = nil
    ) {
        self.person = person
        self.personFirstSeenAt = personFirstSeenAt
        self.channel = channel
        self.openedAt = openedAt
        self.topic = topic
        self.urgency = urgency
        self.priority = priority
        self.emergency = emergency
        self.outOfHours = outOfHours
        self.queuedAt = queuedAt
        self.claimedAt = claimedAt
        self.firstResponseAt = firstResponseAt
        self.closedAt = closedAt
        self.outcome = outcome
        self.referral = referral
        self.satisfaction = satisfaction
    }
}
