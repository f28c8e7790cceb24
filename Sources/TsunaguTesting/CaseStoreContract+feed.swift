import TsunaguCore

/// What the feed says about a case action and about a line that was not kept: the parts of ``CasePlan`` and
/// ``TriageFeed`` that ``CaseStoreContract/feedEvents(_:)`` does not reach.
extension CaseStoreContract {
    /// An action's event names the holder after it (nobody after a release, the colleague after a transfer), and
    /// her line in a held case whose content was destroyed is not kept and tells nobody.
    public static func actionEvents(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato", "suzuki"], to: stores)
        try await queueCases([("n1", .normal, 100)], in: stores)
        let handle = try await claim(.next, by: "sato", in: stores).handle
        func act(_ change: CaseChange, by actor: String) async throws {
            try await stores.cases.act(on: .handle(handle), by: actor, now: 2_000, lease: 60_000, cap: 3, transcriptAfter: nil) { _ in
                (change, ())
            }
        }
        try await act(CaseChange(holder: .drop, audit: ("case.release", nil), event: (.released, nil)), by: "sato")
        _ = try await claim(.handle(handle), by: "sato", in: stores, now: 3_000)
        try await act(CaseChange(holder: .take("suzuki"), audit: ("case.transfer", "to suzuki"), event: (.transferred, nil)), by: "sato")
        // Her line and the destruction of the case's content in one commit: the content goes first, so the line is
        // not kept, and a line not kept is no news.
        _ = try await stores.inbox.append([InboxStoreContract.event("late", conversation: "chat-n1", at: 4_000)])
        _ = try await stores.triage.process(try await stores.triage.pendingEvents(limit: 10)) { _, _ in
            TriageCommit(
                transcript: [TranscriptEntry(caseID: "case-n1", at: 4_000, author: .her, messageRef: nil, sealedText: [5])],
                shreddedCases: ["case-n1"])
        }
        let events = try await stores.cases.events(after: 0, limit: 100)
        let seen = events.map { "\($0.kind.rawValue) \($0.counsellor ?? "-")" }
        let expected = ["queued -", "claimed sato", "released -", "claimed sato", "transferred suzuki"]
        return seen == expected ? [] : ["the feed told \(seen), expected \(expected)"]
    }
}

extension CaseStoreContract {
    /// A counsellor closing a case is one action that saves the closed record and drops the holder: the feed's `closed`
    /// names the counsellor who held it (the record is saved before the holder is written), so the console can say who
    /// closed it, and the case is no longer anyone's afterwards.
    public static func closeNamesHolder(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato"], to: stores)
        try await queueCases([("n1", .normal, 100)], in: stores)
        let claimed = try await claim(.next, by: "sato", in: stores)
        guard var record = claimed.conversation?.currentCase else { return ["the claimed case came without her record"] }
        (record.closedAt, record.outcome) = (2_000, "listened")
        let closing = TriageCommit(conversation: Conversation(state: .survey, currentCase: record))
        try await stores.cases.act(on: .handle(claimed.handle), by: "sato", now: 2_000, lease: 60_000, cap: 3, transcriptAfter: nil) { _ in
            (CaseChange(triage: closing, holder: .drop, audit: ("case.close", "outcome listened")), ())
        }
        var broken: [String] = []
        let events = try await stores.cases.events(after: 0, limit: 100).map { "\($0.kind.rawValue) \($0.counsellor ?? "-")" }
        if events != ["queued -", "claimed sato", "closed sato"] { broken.append("the feed told \(events), expected the close by sato") }
        if try await !stores.cases.held(by: "sato").isEmpty { broken.append("sato still holds the closed case") }
        return broken
    }
}
