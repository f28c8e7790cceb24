import TsunaguCore

/// What the store keeps about cases besides the holder: the order of tied cases, the first response, the live
/// feed's clean-up, and a conversation whose stored state cannot be read.
extension CaseStoreContract {
    /// Cases of one priority queued at the same moment are taken in one order on every backend and every read:
    /// by case id (``QueueOrder``), not by which row happened to be stored first.
    public static func queueTies(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato"], to: stores)
        // Stored in the order c, b, a, each in a transaction of its own, all queued at the same moment.
        for name in ["c", "b", "a"] { try await queueCases([(name, .normal, 100)], in: stores) }
        try await queueCases([("e", .emergency, 500)], in: stores)
        var broken: [String] = []
        let order = try await stores.cases.queue(now: 1_000, limit: 10).items.map { $0.topic ?? "?" }
        if order != ["e", "a", "b", "c"] { broken.append("queued as \(order), expected e, then the tie by id: a, b, c") }
        let first = try await stores.cases.queue(now: 1_000, limit: 2).items.map { $0.topic ?? "?" }
        if first != ["e", "a"] { broken.append("the first two are \(first)") }
        var taken: [String] = []
        for _ in 0..<3 { taken.append(try await claim(.next, by: "sato", in: stores, now: 1_000).summary.topic ?? "?") }
        if taken != ["e", "a", "b"] { broken.append("the next case was taken as \(taken)") }
        let held = try await stores.cases.held(by: "sato").map { $0.topic ?? "?" }
        if held != ["e", "a", "b"] { broken.append("held as \(held), expected the most urgent first, then the tie by id") }
        return broken
    }

    /// The first line a counsellor writes to her sets the case's first response, once; notes and the bot's lines
    /// do not.
    public static func firstResponse(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato"], to: stores)
        try await queueCases([("n1", .normal, 100), ("n2", .normal, 200)], in: stores)
        let one = try await claim(.next, by: "sato", in: stores, now: 1_000).handle
        let two = try await claim(.next, by: "sato", in: stores, now: 1_000).handle
        func write(_ author: TranscriptEntry.Author, in handle: String, at now: Int64) async throws {
            try await stores.cases.act(on: .handle(handle), by: "sato", now: now, lease: 60_000, cap: 3, transcriptAfter: nil) { state in
                let line = TranscriptEntry(caseID: state.caseID, at: now, author: author, messageRef: nil, sealedText: [3])
                return (CaseChange(triage: TriageCommit(transcript: [line]), holder: .renew), ())
            }
        }
        try await write(.note, in: one, at: 2_000)
        try await write(.bot, in: one, at: 2_500)
        try await write(.counsellor, in: one, at: 3_000)
        try await write(.counsellor, in: one, at: 4_000)
        try await write(.note, in: two, at: 3_000)
        let facts = try await stores.statistics.facts(openedIn: 0..<10_000)
        let responses = Dictionary(facts.map { ($0.topic ?? "?", $0.firstResponseAt.map(String.init) ?? "none") }) { first, _ in first }
        var broken: [String] = []
        if responses != ["n1": "3000", "n2": "none"] { broken.append("first responses \(responses), expected n1 at 3000 and none for n2") }
        return broken
    }

    /// Cleaning up the feed removes the events older than the cutoff and no others, and a later event still gets
    /// an id above every id handed out before: a client's cursor never skips it.
    public static func feedCleanUp(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato"], to: stores)
        try await queueCases([("n1", .normal, 100), ("n2", .normal, 200)], in: stores)
        _ = try await claim(.next, by: "sato", in: stores)
        let before = try await stores.cases.events(after: 0, limit: 100)
        guard before.count == 3, let oldest = before.map(\.at).min(), let newest = before.map(\.at).max(),
            let highest = before.map(\.id).max()
        else { return ["\(before.count) feed events, expected two queued and a claim"] }
        var broken: [String] = []
        if try await stores.cases.forgetEvents(before: oldest) != 0 { broken.append("forgot events no older than the cutoff") }
        if try await stores.cases.events(after: 0, limit: 100).count != 3 { broken.append("events went that were not older than the cutoff") }
        let forgotten = try await stores.cases.forgetEvents(before: newest + 1)
        if forgotten != 3 { broken.append("forgot \(forgotten) events, expected all three") }
        if try await !stores.cases.events(after: 0, limit: 100).isEmpty { broken.append("events older than the cutoff were left") }
        _ = try await claim(.next, by: "sato", in: stores)
        let after = try await stores.cases.events(after: highest, limit: 100)
        if after.map(\.kind) != [.claimed] { broken.append("after the clean-up, a client at \(highest) saw \(after.map(\.id)), not the new claim") }
        if try await stores.cases.latestEventID() != after.first?.id { broken.append("the latest event id is not the new claim's") }
        return broken
    }

    /// The feed is told what counsellors watch, in the transaction that does it: a case joining the queue, her
    /// message in a case someone holds (not while she waits), an emergency alert with its category, a close.
    public static func feedEvents(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato"], to: stores)
        try await queueCases([("n1", .normal, 100)], in: stores)
        func triage(_ id: String, _ commit: TriageCommit) async throws {
            _ = try await stores.inbox.append([InboxStoreContract.event(id, conversation: "chat-n1", at: 1_000)])
            _ = try await stores.triage.process(try await stores.triage.pendingEvents(limit: 10)) { _, _ in commit }
        }
        func hers(at time: Int64) -> TriageCommit {
            TriageCommit(transcript: [TranscriptEntry(caseID: "case-n1", at: time, author: .her, messageRef: nil, sealedText: [4])])
        }
        try await triage("waiting", hers(at: 500))
        let handle = try await claim(.next, by: "sato", in: stores).handle
        try await triage("held", hers(at: 1_500))
        var alert = TriageCommit()
        alert.alerts = [(caseID: "case-n1", category: "suicide")]
        try await triage("alert", alert)
        var record = CaseRecord(id: "case-n1", openedAt: 90)
        (record.topic, record.priority, record.queuedAt, record.closedAt) = ("n1", .normal, 100, 2_000)
        try await triage("close", TriageCommit(conversation: Conversation(state: .closed(outcome: "done", referral: nil), currentCase: record)))
        let events = try await stores.cases.events(after: 0, limit: 100)
        let seen = events.map { "\($0.kind.rawValue) \($0.handle == handle ? "n1" : $0.handle) \($0.counsellor ?? "-") \($0.detail ?? "-")" }
        let expected = ["queued n1 - -", "claimed n1 sato -", "message n1 sato -", "alert n1 sato suicide", "closed n1 sato -"]
        return seen == expected ? [] : ["the feed told \(seen), expected \(expected)"]
    }

    /// A conversation whose stored state cannot be read hides nothing else: the counsellor's listing still shows
    /// every case (that one as unreachable), an action on it is refused and changes nothing, "take the next case"
    /// passes over a damaged one at the head of the queue, and her next message is not lost but waits in the inbox
    /// (``StoredConversation/init(json:)``).
    public static func corruptConversation(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato"], to: stores)
        try await queueCases([("n1", .normal, 100), ("n2", .normal, 200)], in: stores)
        let damaged = try await claim(.next, by: "sato", in: stores, now: 1_000)
        _ = try await claim(.next, by: "sato", in: stores, now: 1_000)
        try await stores.corruptConversation(damaged.pseudonym)
        var broken: [String] = []
        do {
            let held = try await stores.cases.held(by: "sato").map { "\($0.topic ?? "?") \($0.reachable ? "reachable" : "unreachable")" }
            if held != ["n1 unreachable", "n2 reachable"] { broken.append("listed \(held)") }
        } catch {
            broken.append("one unreadable conversation failed the counsellor's whole listing: \(error)")
        }
        do {
            try await change(.drop, of: damaged.handle, by: "sato", in: stores, now: 2_000)
            broken.append("an action on a case whose conversation cannot be read went through")
        } catch {}
        if try await stores.cases.held(by: "sato").count != 2 { broken.append("the refused action changed the holder") }
        try await queueCases([("w0", .normal, 10), ("w1", .normal, 20)], in: stores)
        let head = try await stores.cases.queue(now: 2_000, limit: 10).items
        guard let damagedHead = head.first(where: { $0.topic == "w0" }) else { return broken + ["w0 was not queued"] }
        let headConversation = try await stores.cases.act(
            on: .handle(damagedHead.handle), by: "sato", now: 2_000, lease: 60_000, cap: 3, transcriptAfter: nil
        ) { state in (CaseChange(), state.pseudonym) }
        try await stores.corruptConversation(headConversation)
        do {
            let taken = try await claim(.next, by: "sato", in: stores, now: 2_000).summary.topic
            if taken != "w1" { broken.append("took \(taken ?? "?") as the next case, expected w1 behind the damaged w0") }
        } catch {
            broken.append("a damaged case at the head of the queue stopped \"take the next case\": \(error)")
        }
        _ = try await stores.inbox.append([InboxStoreContract.event("later", conversation: damaged.pseudonym.rawValue, at: 3_000)])
        let result = try await stores.triage.process(try await stores.triage.pendingEvents(limit: 10)) { _, _ in .nothing }
        let pending = try await stores.inbox.counts().pending
        if result.failed != ["later"] || pending != 1 { broken.append("her next message: failed \(result.failed), \(pending) pending") }
        return broken
    }
}
