/// Every write of one action on a case, decided in the core and stated as data: what each backend's ``CaseStore``
/// executes, in one transaction, with no rule of its own.
///
/// ``CaseChange`` says what the desk wants (renew, take, a counsellor's line); the plan says what that means for the
/// case's row: the holder and lease after it, the first response to set, the feed event, the audit entry, and the
/// capacity check to pass before anything is written. Each backend used to derive these itself (lease arithmetic,
/// "a counsellor's line sets the first response", which refusal at the cap), in two copies that could drift.
public struct CasePlan: Sendable {
    /// Who holds the case after the action.
    public enum HolderWrite: Sendable, Hashable {
        case unchanged
        /// The case's holder becomes `counsellor` (nobody when `nil`) with this lease (none when nobody holds it).
        case set(counsellor: String?, leaseUntil: Int64?)
    }

    /// The audit entry the action writes.
    public struct Audit: Sendable, Hashable {
        public var actor: String
        public var action: String
        /// The case's handle, as the audit log names cases.
        public var handle: String
        public var detail: String?

        public init(actor: String, action: String, handle: String, detail: String?) {
            self.actor = actor
            self.action = action
            self.handle = handle
            self.detail = detail
        }
    }

    public var caseID: String
    /// Her new state, what is added to the transcript and what is sent to her: written by the triage store's apply,
    /// which raises its own feed events (``TriageFeed``).
    public var triage: TriageCommit
    public var holder: HolderWrite
    /// To pass before anything is written; `nil` when nobody takes the case.
    public var capacity: CapacityCheck?
    /// The first response of statistics: set to this moment only if the case has none yet.
    public var firstResponseAt: Int64?
    /// Recorded after the holder is written, so it names the holder after the action.
    public var event: FeedEvent?
    public var audit: Audit?

    /// Plans `change`, which the desk decided from `state`.
    /// - Parameters:
    ///   - now: the action's moment; a claim's lease runs from it.
    ///   - lease: how long a claim lasts without the holder acting on the case.
    ///   - cap: the most open cases one counsellor may hold at once.
    public init(_ change: CaseChange, on state: CaseState, by actor: String, now: Int64, lease: Int64, cap: Int) {
        if let conversation = change.triage.conversation, conversation.currentCase?.id != state.caseID {
            preconditionFailure("A case action changed another case of the conversation")
        }
        caseID = state.caseID
        triage = change.triage
        switch change.holder {
        case .keep:
            holder = .unchanged
        case .renew:
            // Only a held case has a claim to extend: an unheld one stays in the queue, unheld.
            holder = state.summary.counsellor.map { .set(counsellor: $0, leaseUntil: now + lease) } ?? .unchanged
        case .take(let counsellor):
            holder = .set(counsellor: counsellor, leaseUntil: now + lease)
            capacity = CapacityCheck(counsellor: counsellor, actor: actor, cap: cap, liveAt: now, exceptCaseID: state.caseID)
        case .drop:
            holder = .set(counsellor: nil, leaseUntil: nil)
        }
        // Her first answer from a person (not a note, not the bot): the first-response time of statistics, set once.
        if change.triage.transcript.contains(where: { $0.author == .counsellor }) { firstResponseAt = now }
        event = change.event.map { FeedEvent(kind: $0.kind, caseID: state.caseID, detail: $0.detail) }
        audit = change.audit.map { Audit(actor: actor, action: $0.action, handle: state.handle, detail: $0.detail) }
    }
}
