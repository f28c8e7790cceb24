import Testing
import TsunaguCore

/// The write plan of an action on a case: every rule a backend used to derive itself, checked without a store.
@Suite("Planning an action on a case")
struct CasePlanTests {
    /// A case as a store reads it: `C1`, handle `ABCD`, held by `holder` (if anyone).
    static func state(heldBy holder: String?) -> CaseState {
        CaseState(
            caseID: "C1", pseudonym: Pseudonym(rawValue: "p"),
            summary: CaseSummary(handle: "ABCD", priority: .normal, queuedAt: 100, counsellor: holder, leaseUntil: holder.map { _ in 5_000 }),
            conversation: nil, sealedAddress: nil, wrappedCaseKey: nil, caseKeyFingerprint: nil, transcript: [],
            activity: OpenCaseActivity(handle: "ABCD", openedAt: 1, queuedAt: 100, claimedAt: nil, counsellor: holder, lastLineAt: nil))
    }

    static func plan(_ change: CaseChange, heldBy holder: String? = "sato", actor: String = "sato") -> CasePlan {
        CasePlan(change, on: state(heldBy: holder), by: actor, now: 1_000, lease: 60_000, cap: 3)
    }

    @Test("keep leaves the holder; renew extends a held claim from now and leaves an unheld case unheld")
    func keepAndRenew() {
        #expect(Self.plan(CaseChange(holder: .keep)).holder == .unchanged)
        #expect(Self.plan(CaseChange(holder: .renew)).holder == .set(counsellor: "sato", leaseUntil: 61_000))
        #expect(Self.plan(CaseChange(holder: .renew), heldBy: "suzuki").holder == .set(counsellor: "suzuki", leaseUntil: 61_000))
        #expect(Self.plan(CaseChange(holder: .renew), heldBy: nil).holder == .unchanged)
        #expect(Self.plan(CaseChange(holder: .renew)).capacity == nil)
    }

    @Test("take hands the case over with a fresh lease, behind a capacity check that spares this case")
    func take() {
        let plan = Self.plan(CaseChange(holder: .take("suzuki")), actor: "sato")
        #expect(plan.holder == .set(counsellor: "suzuki", leaseUntil: 61_000))
        #expect(plan.capacity == CapacityCheck(counsellor: "suzuki", actor: "sato", cap: 3, liveAt: 1_000, exceptCaseID: "C1"))
    }

    @Test("drop leaves nobody holding the case and no lease")
    func drop() {
        let plan = Self.plan(CaseChange(holder: .drop))
        #expect(plan.holder == .set(counsellor: nil, leaseUntil: nil))
        #expect(plan.capacity == nil)
    }

    @Test(
        "only a counsellor's line to her sets the first response; notes, the bot and her own words do not",
        arguments: [
            (TranscriptEntry.Author.counsellor, Int64?.some(1_000)), (.note, nil), (.bot, nil), (.her, nil),
        ])
    func firstResponse(author: TranscriptEntry.Author, expected: Int64?) {
        let line = TranscriptEntry(caseID: "C1", at: 1_000, author: author, messageRef: nil, sealedText: [1])
        #expect(Self.plan(CaseChange(triage: TriageCommit(transcript: [line]), holder: .renew)).firstResponseAt == expected)
        #expect(Self.plan(CaseChange(holder: .renew)).firstResponseAt == nil)
    }

    @Test("the feed event and the audit entry name this case and the actor")
    func eventAndAudit() {
        let plan = Self.plan(CaseChange(holder: .take("sato"), audit: ("case.claim", "claimed"), event: (.claimed, nil)))
        #expect(plan.event == FeedEvent(kind: .claimed, caseID: "C1"))
        #expect(plan.audit == CasePlan.Audit(actor: "sato", action: "case.claim", handle: "ABCD", detail: "claimed"))
        let quiet = Self.plan(CaseChange())
        #expect(quiet.event == nil && quiet.audit == nil && quiet.holder == .unchanged && quiet.firstResponseAt == nil)
    }

    @Test("the capacity check refuses a stranger, a full counsellor, and names a full colleague")
    func capacity() {
        let own = CapacityCheck(counsellor: "sato", actor: "sato", cap: 2, liveAt: 0, exceptCaseID: "C1")
        #expect(own.refusal(activeRole: .counsellor, holding: 1) == nil)
        #expect(own.refusal(activeRole: .counsellor, holding: 2) == .atCapacity(limit: 2))
        #expect(own.refusal(activeRole: nil, holding: 0) == .unknownColleague(name: "sato"))
        #expect(own.refusal(activeRole: .supervisor, holding: 0) == .unknownColleague(name: "sato"))
        let colleague = CapacityCheck(counsellor: "suzuki", actor: "sato", cap: 1, liveAt: 0, exceptCaseID: "C1")
        #expect(colleague.refusal(activeRole: .counsellor, holding: 1) == .colleagueAtCapacity(name: "suzuki", limit: 1))
        #expect(colleague.refusal(activeRole: .admin, holding: 0) == .unknownColleague(name: "suzuki"))
    }
}
