/// Which live-feed events a triage commit raises, decided once for every backend.
///
/// Each backend used to decide this in its own SQL (a `queued` event when the stored row had no `queued_at`, her
/// line announced only with `counsellor IS NOT NULL`), written twice. Now a backend reads the facts it must read in
/// its transaction (the case's stored moments, whether her line was stored) and inserts what these return.
public enum TriageFeed {
    /// The moments of a case as stored before a save: whether it was queued or closed already.
    public struct StoredMoments: Sendable, Hashable {
        public var queuedAt: Int64?
        public var closedAt: Int64?

        public init(queuedAt: Int64?, closedAt: Int64?) {
            self.queuedAt = queuedAt
            self.closedAt = closedAt
        }
    }

    /// Saving her case record over what was stored (`nil`: the case is new): it raises `queued` when it joins the
    /// queue open, and `closed` when a stored open case closes. A case opened and closed in one commit was never
    /// anyone's to watch, so it raises neither.
    public static func events(saving record: CaseRecord, over stored: StoredMoments?) -> [FeedEvent] {
        var events: [FeedEvent] = []
        if record.queuedAt != nil, stored?.queuedAt == nil, record.closedAt == nil {
            events.append(FeedEvent(kind: .queued, caseID: record.id))
        }
        if let stored, record.closedAt != nil, stored.closedAt == nil {
            events.append(FeedEvent(kind: .closed, caseID: record.id))
        }
        return events
    }

    /// A transcript line, once stored: her words tell the counsellor who holds the case; nobody else's line is news.
    /// A line that was not stored (the case's content was destroyed) raises nothing: the backend skips it.
    public static func event(forLine line: TranscriptEntry) -> FeedEvent? {
        line.author == .her ? FeedEvent(kind: .message, caseID: line.caseID, onlyIfHeld: true) : nil
    }

    /// An emergency alert rings for every counsellor and supervisor, held case or not, with its category.
    public static func event(forAlert alert: (caseID: String, category: String)) -> FeedEvent {
        FeedEvent(kind: .alert, caseID: alert.caseID, detail: alert.category)
    }
}
