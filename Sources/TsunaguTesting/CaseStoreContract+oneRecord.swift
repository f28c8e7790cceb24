import TsunaguCore

/// One source of truth for a case (see `Conversation+stored.swift`): her case's record and its holder live in the
/// case's row alone, so the conversation the engine is given, a counsellor's case, the queue and the listings cannot
/// tell different stories, and a database from before keeps its facts once migrated.
extension CaseStoreContract {
    /// Her conversation as triage is given it now (an event of hers, processed with `commit`).
    static func seen(
        _ chat: String, in stores: Stores, committing commit: TriageCommit = .nothing, event: String
    ) async throws -> Conversation? {
        let seen = Locked<Conversation?>(nil)
        _ = try await stores.inbox.append([InboxStoreContract.event(event, conversation: chat, at: 1_000)])
        let result = try await stores.triage.process(try await stores.triage.pendingEvents(limit: 10)) { _, snapshot in
            seen.withLock { $0 = snapshot.conversation }
            return commit
        }
        if result.processed != 1 { throw ContractFailure("the event \(event) was not processed: \(result.failed)") }
        return seen.value
    }

    /// Her state and record as a case action reads them.
    static func acted(on handle: String, in stores: Stores) async throws -> CaseState {
        try await stores.cases.act(on: .handle(handle), by: "sato", now: 2_000, lease: 60_000, cap: 3, transcriptAfter: nil) { state in
            (CaseChange(), state)
        }
    }

    /// After every holder change (a claim, a transfer, a drop) and every change of the record (a concern, a close),
    /// the engine's conversation, the case an action reads, the queue and the holder's listing agree — and a state
    /// that names another holder than the case's row cannot override it.
    public static func oneRecord(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato", "suzuki"], to: stores)
        try await queueCases([("n1", .normal, 100)], in: stores)
        var broken: [String] = []
        var step = 0
        func look(_ when: String, holder: String?, record: CaseRecord?, commit: TriageCommit = .nothing) async throws {
            step += 1
            let engine = try await seen("chat-n1", in: stores, committing: commit, event: "look-\(step)")
            var found = try await stores.cases.held(by: holder ?? "sato").first?.handle
            if found == nil { found = try await stores.cases.queue(now: 2_000, limit: 10).items.first?.handle }
            guard let handle = found else {
                broken.append("\(when): the case is neither held nor queued")
                return
            }
            let desk = try await acted(on: handle, in: stores)
            let expected = holder.map { TriageState.active(counsellor: $0) } ?? .queued(priority: record?.priority ?? .normal)
            if engine?.state != expected { broken.append("\(when): the engine was given \(String(describing: engine?.state)), not \(expected)") }
            if desk.conversation?.state != expected { broken.append("\(when): the desk read \(String(describing: desk.conversation?.state))") }
            if desk.summary.counsellor != holder { broken.append("\(when): the summary's holder is \(desk.summary.counsellor ?? "nobody")") }
            if let record, engine?.currentCase != record || desk.conversation?.currentCase != record {
                broken.append("\(when): the record read back as \(String(describing: engine?.currentCase)), not \(record)")
            }
            let queued = try await stores.cases.queue(now: 2_000, limit: 10).items.map(\.handle)
            if (holder == nil) != (queued == [handle]) { broken.append("\(when): the queue holds \(queued)") }
        }
        var record = CaseRecord(id: "case-n1", openedAt: 90)
        (record.topic, record.priority, record.queuedAt) = ("n1", .normal, 100)
        try await look("queued", holder: nil, record: record)

        // A holder change writes only the case's row, as every case action does: what is read follows it.
        _ = try await claim(
            .handle(try await stores.cases.queue(now: 1_000, limit: 1).items[0].handle), by: "sato", in: stores, lease: liveThroughTheTest)
        try await look("claimed", holder: "sato", record: record)
        guard let handle = try await stores.cases.held(by: "sato").first?.handle else { return broken + ["the claim held nothing"] }
        try await change(.take("suzuki"), of: handle, by: "sato", in: stores, now: 1_500, lease: liveThroughTheTest)
        try await look("transferred", holder: "suzuki", record: record)

        // Her state naming someone else as the holder changes nothing: the row's holder is the only one.
        let ghost = TriageCommit(conversation: Conversation(state: .active(counsellor: "ghost"), currentCase: record))
        try await look("after a state naming a ghost", holder: "suzuki", record: record, commit: ghost)
        try await look("read again", holder: "suzuki", record: record)
        try await change(.drop, of: handle, by: "suzuki", in: stores, now: 1_600)
        try await look("dropped", holder: nil, record: record)
        try await look("after a state naming a ghost", holder: nil, record: record, commit: ghost)
        try await look("read again, unheld", holder: nil, record: record)

        // The record: every field the engine writes comes back as written, through every reader.
        (record.priority, record.emergency, record.concern, record.urgency, record.outOfHours) = (.urgent, "suicide", "selfharm", "now", true)
        record.claimedAt = 1_200
        let concern = TriageCommit(conversation: Conversation(state: .queued(priority: .urgent), currentCase: record))
        _ = try await seen("chat-n1", in: stores, committing: concern, event: "concern")
        try await look("the concern read back", holder: nil, record: record)
        let listed = try await stores.cases.queue(now: 2_000, limit: 10).items.first
        if listed?.priority != .urgent || listed?.emergency != "suicide" || listed?.urgency != "now" || listed?.outOfHours != true {
            broken.append("the queue lists \(String(describing: listed))")
        }
        (record.closedAt, record.outcome, record.referral, record.satisfaction) = (1_900, "done", "shelter", "good")
        _ = try await seen(
            "chat-n1", in: stores, committing: TriageCommit(conversation: Conversation(state: .survey, currentCase: record)), event: "close")
        let closed = try await acted(on: handle, in: stores)
        if closed.conversation?.currentCase != record || closed.conversation?.state != .survey {
            broken.append("closed, the desk read \(String(describing: closed.conversation))")
        }
        if closed.summary.closedAt != 1_900 || closed.summary.outcome != "done" || closed.summary.referral != "shelter" {
            broken.append("closed, the summary is \(closed.summary)")
        }
        let engine = try await seen("chat-n1", in: stores, event: "after-close")
        if engine?.currentCase != record || engine?.state != .survey { broken.append("closed, the engine was given \(String(describing: engine))") }
        let facts = try await stores.statistics.facts(openedIn: 0..<10_000)
        if facts.map(\.satisfaction) != ["good"] || facts.map(\.outcome) != ["done"] { broken.append("statistics read \(facts)") }
        return broken
    }
}

/// A contract check could not get as far as checking.
struct ContractFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension CaseStoreContract {
    /// A database written before one source of truth (each state holding a copy of her case's record, the holder in
    /// `active`) is migrated: the records' facts stay (the concern, until then only in her state, too), the holder
    /// is the case row's, no copy is left in her state, and a damaged state is left as it was.
    public static func oldFormat(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato"], to: stores)
        try await queueCases([("n1", .normal, 100), ("n2", .normal, 200), ("n3", .normal, 300)], in: stores)
        let held = try await claim(
            .handle(try await stores.cases.queue(now: 1_000, limit: 3).items[1].handle), by: "sato", in: stores, lease: liveThroughTheTest)
        let damaged = #"{"state":{"queued""#
        let old: [Pseudonym: String] = [
            Pseudonym(rawValue: "chat-n1"): """
            {"state":{"queued":{"priority":"urgent"}},"reachable":true,"unansweredPrompts":0,"hasConsented":true,"toldStillWaiting":true,\
            "currentCase":{"id":"case-n1","openedAt":90,"topic":"n1","priority":"normal","queuedAt":100,"concern":"selfharm"}}
            """,
            Pseudonym(rawValue: "chat-n2"): """
            {"state":{"active":{"counsellor":"sato"}},"reachable":true,"unansweredPrompts":0,"hasConsented":true,\
            "currentCase":{"id":"case-n2","openedAt":190,"topic":"n2","priority":"normal","queuedAt":200}}
            """,
            Pseudonym(rawValue: "chat-n3"): damaged,
        ]
        let migrated = try await stores.migrateFromOldFormat(old)
        var broken: [String] = []
        for (chat, state) in migrated where chat.rawValue != "chat-n3" {
            if state.contains("\"currentCase\"") || state.contains("concern") || state.contains("counsellor") || state.contains("priority") {
                broken.append("\(chat.rawValue)'s state still holds a copy of its case: \(state)")
            }
            if !state.contains("currentCaseID") { broken.append("\(chat.rawValue)'s state lost her current case: \(state)") }
            if state.contains("\"state\"") || !state.contains("\"stage\"") {
                broken.append("\(chat.rawValue)'s stage is still where older versions read it: \(state)")
            }
        }
        if migrated[Pseudonym(rawValue: "chat-n3")] != damaged { broken.append("the damaged state was changed") }

        let first = try await seen("chat-n1", in: stores, event: "after-1")
        var record = CaseRecord(id: "case-n1", openedAt: 90)
        (record.topic, record.priority, record.queuedAt, record.concern) = ("n1", .normal, 100, "selfharm")
        if first?.currentCase != record { broken.append("n1's record read back as \(String(describing: first?.currentCase))") }
        if first?.state != .queued(priority: .normal) || first?.toldStillWaiting != true || first?.hasConsented != true {
            broken.append("n1's state read back as \(String(describing: first))")
        }
        let second = try await seen("chat-n2", in: stores, event: "after-2")
        if second?.state != .active(counsellor: "sato") { broken.append("n2's state read back as \(String(describing: second?.state))") }
        let desk = try await acted(on: held.handle, in: stores)
        if desk.conversation?.state != .active(counsellor: "sato") || desk.conversation?.currentCase?.id != "case-n2" {
            broken.append("the desk read n2 as \(String(describing: desk.conversation))")
        }
        return broken
    }
}
