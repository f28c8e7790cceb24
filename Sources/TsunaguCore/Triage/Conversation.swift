/// Where one person's conversation with the office stands: what the engine reads and writes.
///
/// It holds no text and no LINE id: only her triage state and the anonymous record of her current case.
public struct Conversation: Sendable, Hashable {
    public var state: TriageState
    /// `false` after she blocked the account: nothing more is pushed to her.
    public var reachable: Bool
    /// Her current (or last) case; `nil` before her first consultation or after she asked to stop.
    public var currentCase: CaseRecord?
    /// How often in a row she wrote instead of choosing (to stop asking after the second time).
    public var unansweredPrompts: Int
    /// She has consulted before (a new case greets her as returning and skips the privacy consent).
    public var hasConsented: Bool
    /// She was told once, while queued, that her messages are reaching us (later ones are only recorded).
    public var toldStillWaiting: Bool
    /// She asked to stop or to erase, and was asked to confirm: only her confirmation erases.
    public var erasureAsked: Bool
    /// A service she asked for (an information item's id) before agreeing to the privacy notice: queued once she does.
    public var pendingRequest: String?
    /// When her first words written before consent began to be held (sealed, outside this record): shown to the
    /// counsellor if she consents within ``ConversationScript/FirstWords/holdMinutes``, destroyed otherwise.
    public var heldSince: Int64?
    /// She asked for the programme's announcements (the drop-in schedule, events): pushed to her until she stops
    /// them, asks to erase, or blocks the account.
    public var announcements: Bool = false
    /// The concern reply asked whether she is somewhere safe: her next message is read as the answer too.
    public var safetyAsked: Bool = false
    /// Her current case was sent the emergency list (later danger in it gets one short line). Not the same as the
    /// record's `emergency`: danger written to a counsellor talking with her in hours is recorded, not answered.
    public var sentContactList: Bool = false
    /// Her current case was sent the concern reply or the emergency list (a later concern gets only a flag).
    public var sentSafetyReply: Bool = false

    /// Whether an announcement may be pushed to her now: the one rule the stores keep a column of.
    public var receivesAnnouncements: Bool { announcements && reachable }

    /// Her state once the case `id` is no longer linked to her (its messages are past retention): if it is her
    /// current one, its record goes, and so does the state that names its outcome (`closed`) or awaits her answer
    /// about it (`survey`): she starts again from the beginning.
    public func forgetting(case id: String) -> Conversation {
        guard currentCase?.id == id else { return self }
        var forgotten = self
        forgotten.currentCase = nil
        forgotten.state = .new
        return forgotten
    }

    public init(
        state: TriageState = .new, reachable: Bool = true, currentCase: CaseRecord? = nil, unansweredPrompts: Int = 0,
        hasConsented: Bool = false, toldStillWaiting: Bool = false, erasureAsked: Bool = false
    ) {
        self.toldStillWaiting = toldStillWaiting
        self.erasureAsked = erasureAsked
        self.state = state
        self.reachable = reachable
        self.currentCase = currentCase
        self.unansweredPrompts = unansweredPrompts
        self.hasConsented = hasConsented
    }
}

/// The triage states. Between `new` and `queued` the bot asks; from `queued` a counsellor answers.
public enum TriageState: Sendable, Hashable {
    /// Never talked with us, or asked to stop: the next message gets the welcome.
    case new
    /// The welcome and privacy notice were sent; waiting for her consent.
    case consent
    /// Waiting for her to choose a topic.
    case topic
    /// Waiting for her to say how urgent it is.
    case urgency
    /// Waiting for a counsellor.
    case queued(priority: Priority)
    /// A counsellor (by staff id) is talking with her.
    case active(counsellor: String)
    /// The counsellor closed the case; the satisfaction question is waiting for her answer.
    case survey
    /// The case is over (after the survey, or when she did not answer it). A new message opens a new case.
    case closed(outcome: String, referral: String?)

    /// A stable name for logs, metrics and the transition tables.
    public var name: String {
        switch self {
        case .new: "new"
        case .consent: "consent"
        case .topic: "topic"
        case .urgency: "urgency"
        case .queued: "queued"
        case .active: "active"
        case .survey: "survey"
        case .closed: "closed"
        }
    }
}

/// The anonymous triage record of one case: what statistics are made of. No text, no ids of people.
public struct CaseRecord: Sendable, Hashable, Codable {
    /// Opaque id, assigned by the caller when the engine asks to open a case.
    public var id: String
    /// Milliseconds since the epoch.
    public var openedAt: Int64
    public var topic: String?
    public var urgency: String?
    public var priority: Priority?
    /// The emergency category detected first, if any.
    public var emergency: String?
    /// The concern category detected first, if any: a risk without immediacy, flagged for the counsellor.
    public var concern: String?
    /// She reached the queue outside office hours.
    public var outOfHours: Bool?
    public var queuedAt: Int64?
    public var claimedAt: Int64?
    public var closedAt: Int64?
    public var outcome: String?
    public var referral: String?
    public var satisfaction: String?

    public init(id: String, openedAt: Int64) {
        self.id = id
        self.openedAt = openedAt
    }
}
