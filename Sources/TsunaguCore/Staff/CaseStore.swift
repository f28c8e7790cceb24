/// Cases as counsellors work them: the queue, claims with leases, transcripts, and the live feed.
///
/// The contract every backend keeps (`CaseStoreContract`): every action on a case runs in one transaction — the
/// case is read, the caller decides (the server's case desk runs the triage engine and seals what is kept), and
/// the new state, her messages, the holder, the audit entry and the feed event commit together; two counsellors
/// acting on one case at once are serialised, so the second sees the first one's claim; two asking for the next
/// case get different ones; feed events are read in the order they were committed.
public protocol CaseStore: Sendable {
    /// The first `limit` waiting cases in the order they should be taken (emergency, urgent, the rest; longest
    /// waiting first), and how many wait by priority, read at one moment. A lapsed claim is waiting again.
    func queue(now: Int64, limit: Int) async throws -> (items: [QueueItem], counts: [Priority: Int])
    /// The open cases `counsellor` holds, most urgent first (a lapsed claim stays the counsellor's until someone takes it).
    func held(by counsellor: String) async throws -> [CaseSummary]
    /// Runs `decide` on the case `selector` names, inside one transaction, and commits what it returns.
    ///
    /// - Parameters:
    ///   - transcriptAfter: load the transcript lines after this id (0 for all); `nil` loads none.
    ///   - lease: how long a claim lasts from `now` without the holder acting on the case.
    ///   - cap: the most open cases one counsellor may hold at once.
    /// - Throws: ``CaseRefusal`` when the case does not exist, the queue is empty, or the new holder is not an
    ///   active counsellor or already holds `cap` cases; whatever `decide` throws. Nothing is changed then.
    func act<Result: Sendable>(
        on selector: CaseSelector, by actor: String, now: Int64, lease: Int64, cap: Int, transcriptAfter: Int64?,
        _ decide: @escaping @Sendable (CaseState) throws -> (CaseChange, Result)
    ) async throws -> Result
    /// Extends every open claim `counsellor` holds to `now + lease` when one of them lapses before
    /// ``ClaimRenewal/dueBefore(now:lease:)``: the check and the renewal are one atomic step.
    func renewClaims(of counsellor: String, now: Int64, lease: Int64) async throws
    /// Feed events after `cursor`, oldest first, `limit` at most.
    func events(after cursor: Int64, limit: Int) async throws -> [StaffEvent]
    /// Deletes feed events older than `cutoff`; returns how many went. Ids are never handed out twice: an event
    /// recorded after a clean-up gets an id above every earlier one, so a client's cursor never skips it.
    func forgetEvents(before cutoff: Int64) async throws -> Int
    /// Every open case with its stage and the moments something happened in it, for ``IdleCutoffs`` to judge.
    func openCaseActivity() async throws -> [OpenCaseActivity]
    /// The newest event's id: where a client that has seen nothing yet starts.
    func latestEventID() async throws -> Int64
}

extension CaseStore {
    /// The handles of open cases in which nothing has happened (opened, queued, claimed, a line written) since
    /// before the cutoff of their stage: still in triage since `triage`, waiting unheld since `queued`, held by a
    /// counsellor since `held` (milliseconds since the epoch); the longest idle first. The rule is
    /// ``IdleCutoffs``'s; the backend only reads. A selection only: whoever closes them judges each again, on
    /// ``CaseState/activity``, in the transaction that closes it.
    public func idleCases(triage: Int64, queued: Int64, held: Int64) async throws -> [String] {
        IdleCutoffs(triage: triage, queued: queued, held: held).idle(try await openCaseActivity())
    }
}

/// Which case an action is for.
public enum CaseSelector: Sendable, Hashable {
    case handle(String)
    /// The first case in the queue's order that nobody holds.
    case next
}

/// What the store read about a case, for the caller to decide from.
public struct CaseState: Sendable {
    public var caseID: String
    /// Her conversation (keyed pseudonym): where her state and her sealed address live.
    public var pseudonym: Pseudonym
    public var summary: CaseSummary
    /// Her conversation's state, when this case is her current one; `nil` for an older case.
    public var conversation: Conversation?
    public var sealedAddress: [UInt8]?
    /// The case's content key, wrapped; `nil` once its content was destroyed.
    public var wrappedCaseKey: [UInt8]?
    public var caseKeyFingerprint: String?
    /// The transcript lines asked for, still sealed.
    public var transcript: [StoredLine]
    /// Its stage and when something last happened in it, read in the same transaction as the rest: what the idle
    /// rule (``IdleCutoffs``) judges when the case is about to be closed as idle.
    public var activity: OpenCaseActivity

    public var handle: String { summary.handle }

    public init(
        caseID: String, pseudonym: Pseudonym, summary: CaseSummary, conversation: Conversation?, sealedAddress: [UInt8]?,
        wrappedCaseKey: [UInt8]?, caseKeyFingerprint: String?, transcript: [StoredLine], activity: OpenCaseActivity
    ) {
        self.caseID = caseID
        self.pseudonym = pseudonym
        self.summary = summary
        self.conversation = conversation
        self.sealedAddress = sealedAddress
        self.wrappedCaseKey = wrappedCaseKey
        self.caseKeyFingerprint = caseKeyFingerprint
        self.transcript = transcript
        self.activity = activity
    }
}

/// One sealed transcript line as stored.
public struct StoredLine: Sendable, Hashable {
    public var id: Int64
    public var at: Int64
    public var author: String
    public var sealedText: [UInt8]

    public init(id: Int64, at: Int64, author: String, sealedText: [UInt8]) {
        self.id = id
        self.at = at
        self.author = author
        self.sealedText = sealedText
    }
}

/// What an action on a case changes, committed together.
public struct CaseChange: Sendable {
    public enum Holder: Sendable, Hashable {
        case keep
        /// Extend the holder's claim from now.
        case renew
        /// This counsellor holds it now, with a fresh lease.
        case take(String)
        /// No one holds it.
        case drop
    }

    /// Her new state, what is added to the transcript and what is sent to her.
    public var triage: TriageCommit
    public var holder: Holder
    /// The audit entry: `action` such as `case.claim`, and a non-personal detail.
    public var audit: (action: String, detail: String?)?
    /// A feed event to record besides those the triage commit raises.
    public var event: (kind: StaffEvent.Kind, detail: String?)?

    public init(
        triage: TriageCommit = .nothing, holder: Holder = .keep, audit: (action: String, detail: String?)? = nil,
        event: (kind: StaffEvent.Kind, detail: String?)? = nil
    ) {
        self.triage = triage
        self.holder = holder
        self.audit = audit
        self.event = event
    }
}
