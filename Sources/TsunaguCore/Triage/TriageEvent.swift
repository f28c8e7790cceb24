/// What happened, as the engine needs to know it: her side (from LINE) or the counsellor's (from the staff API).
public enum TriageEvent: Sendable, Hashable {
    /// She added the account, or unblocked it (`unblocked`).
    case follow(unblocked: Bool)
    /// She blocked the account.
    case unfollow
    /// She wrote something.
    case text(String)
    /// She tapped a quick reply; `data` is the choice, e.g. `topic:work`.
    case choice(data: String)
    case sticker
    case image
    /// Video, audio or a file: acknowledged, not downloaded.
    case otherMedia
    /// Her location: acknowledged, never stored (in danger, 110 can take it from her call).
    case location
    /// She took back one of her messages (LINE's message id).
    case unsend(messageID: String)
    /// Something arrived from a group or a room.
    case fromGroup
    /// A counsellor took her case.
    case claimed(counsellor: String)
    /// The counsellor put the case back in the queue.
    case released
    /// The counsellor closed the case.
    case closed(outcome: String, referral: String?)
    /// The office has just closed for the day while she waits: she is told when a counsellor will answer.
    case officeClosed
    /// Her open case has been idle longer than its stage allows (in triage, in the queue, with a counsellor): it
    /// closes, so that its retention period starts.
    case idle

    /// A stable name for the transition tables and metrics.
    public var kind: String {
        switch self {
        case .follow(let unblocked): unblocked ? "unblock" : "follow"
        case .unfollow: "unfollow"
        case .text: "text"
        case .choice: "choice"
        case .sticker: "sticker"
        case .image: "image"
        case .otherMedia: "media"
        case .location: "location"
        case .unsend: "unsend"
        case .fromGroup: "group"
        case .claimed: "claimed"
        case .released: "released"
        case .closed: "closed"
        case .officeClosed: "officeClosed"
        case .idle: "idle"
        }
    }
}

/// What the engine needs to know about the world besides the event: the time, the queue, and whether LINE is
/// delivering the event again.
public struct TriageContext: Sendable, Hashable {
    /// Milliseconds since the epoch.
    public var now: Int64
    /// Cases already waiting that would be taken before a new one of each priority.
    public var waitingAhead: [Priority: Int]
    /// LINE redelivered the event (`deliveryContext.isRedelivery`): it may be older than events already decided.
    public var isRedelivery: Bool

    public init(now: Int64, waitingAhead: [Priority: Int] = [:], isRedelivery: Bool = false) {
        self.now = now
        self.waitingAhead = waitingAhead
        self.isRedelivery = isRedelivery
    }
}
