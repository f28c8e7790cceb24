/// A live-feed event a write raises, stated as data by the core (``TriageFeed``, ``CasePlan``) and inserted by the
/// backend in the same transaction.
///
/// The event's handle, priority and holder are not in it: the backend copies them from the case's row as it is when
/// the event is inserted, so the feed shows who holds the case after the write that raised it.
public struct FeedEvent: Sendable, Hashable {
    public var kind: StaffEvent.Kind
    public var caseID: String
    /// A short, non-personal detail, such as the emergency category.
    public var detail: String?
    /// Recorded only when a counsellor holds the case at that moment: her messages while she waits reach no one
    /// (the queue already shows her case), and a `message` event is only ever for the holder.
    public var onlyIfHeld: Bool

    public init(kind: StaffEvent.Kind, caseID: String, detail: String? = nil, onlyIfHeld: Bool = false) {
        self.kind = kind
        self.caseID = caseID
        self.detail = detail
        self.onlyIfHeld = onlyIfHeld
    }
}
