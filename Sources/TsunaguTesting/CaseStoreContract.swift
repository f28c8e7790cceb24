public import TsunaguCore

/// The behaviour every ``CaseStore`` backend must show, written once against the stores of one database (triage
/// queues the cases, staff names the counsellors). Each check returns the promises it found broken.
public enum CaseStoreContract {
    public struct Stores: Sendable {
        public var cases: any CaseStore
        public var staff: any StaffStore
        public var inbox: any InboxStore
        public var triage: any TriageStore
        public var audit: any AuditLog
        public var statistics: any StatisticsStore
        /// Overwrites a conversation's stored state with bytes that are not a conversation (a damaged row, or one
        /// written by a version that no longer decodes): the backend's own raw write, which no store offers.
        public var corruptConversation: @Sendable (Pseudonym) async throws -> Void
        /// Takes the database back to the schema before one source of truth for a case (no `concern` column, that
        /// migration not applied), overwrites these conversations' states as an older version wrote them, migrates
        /// it again and returns the states as stored then: the backend's own raw writes, which no store offers.
        public var migrateFromOldFormat: @Sendable ([Pseudonym: String]) async throws -> [Pseudonym: String]

        public init(
            cases: any CaseStore, staff: any StaffStore, inbox: any InboxStore, triage: any TriageStore, audit: any AuditLog,
            statistics: any StatisticsStore, corruptConversation: @escaping @Sendable (Pseudonym) async throws -> Void,
            migrateFromOldFormat: @escaping @Sendable ([Pseudonym: String]) async throws -> [Pseudonym: String]
        ) {
            self.migrateFromOldFormat = migrateFromOldFormat
            self.cases = cases
            self.staff = staff
            self.inbox = inbox
            self.triage = triage
            self.audit = audit
            self.statistics = statistics
            self.corruptConversation = corruptConversation
        }
    }

    public typealias MakeStores = @Sendable () async throws -> Stores

    /// Queues one case per entry, each in a chat of its own; the case's topic is its name, to tell them apart.
    static func queueCases(_ plans: [(name: String, priority: Priority, queuedAt: Int64)], in stores: Stores) async throws {
        _ = try await stores.inbox.append(plans.map { InboxStoreContract.event("event-\($0.name)", conversation: "chat-\($0.name)") })
        let byEvent = Dictionary(uniqueKeysWithValues: plans.map { ("event-\($0.name)", $0) })
        _ = try await stores.triage.process(try await stores.triage.pendingEvents(limit: 100)) { event, _ in
            guard let plan = byEvent[event.eventID] else { return .nothing }
            var record = CaseRecord(id: "case-\(plan.name)", openedAt: plan.queuedAt - 10)
            record.topic = plan.name
            record.priority = plan.priority
            record.queuedAt = plan.queuedAt
            return TriageCommit(
                conversation: Conversation(state: .queued(priority: plan.priority), currentCase: record),
                newCaseKey: (caseID: record.id, wrappedKey: [1], fingerprint: "f"))
        }
    }

    static func addCounsellors(_ names: [String], to stores: Stores) async throws {
        for (index, name) in names.enumerated() {
            _ = try await stores.staff.add(name: name, role: .counsellor, tokenHash: Array(repeating: UInt8(index), count: 32), by: "operator")
        }
    }

    /// A lease that outlasts any test on the stores' real clock, for a claim triage must see as live
    /// (``triageSeesOnlyLiveClaims``): the checks' other claims are stamped at made-up moments near the epoch.
    static let liveThroughTheTest: Int64 = 1_000_000_000_000_000

    /// A claim as the case desk makes one: the case is the counsellor's, audited, announced.
    static func claim(
        _ selector: CaseSelector, by counsellor: String, in stores: Stores, now: Int64 = 1_000, lease: Int64 = 60_000, cap: Int = 3
    ) async throws -> CaseState {
        try await stores.cases.act(on: selector, by: counsellor, now: now, lease: lease, cap: cap, transcriptAfter: nil) { state in
            (CaseChange(holder: .take(counsellor), audit: ("case.claim", "claimed"), event: (.claimed, nil)), state)
        }
    }

    /// Emergency first, then urgent, then the rest; the longest waiting first within each; counted by priority.
    public static func queueOrder(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await queueCases(
            [("n1", .normal, 100), ("u1", .urgent, 200), ("e1", .emergency, 300), ("n2", .normal, 50)], in: stores)
        let (items, counts) = try await stores.cases.queue(now: 1_000, limit: 10)
        var broken: [String] = []
        if items.map(\.topic) != ["e1", "u1", "n2", "n1"] { broken.append("queue order \(items.map(\.topic))") }
        if counts != [.emergency: 1, .urgent: 1, .normal: 2] { broken.append("counts \(counts)") }
        if try await stores.cases.queue(now: 1_000, limit: 2).items.map(\.topic) != ["e1", "u1"] { broken.append("the limit") }
        return broken
    }

    /// Claiming the next case takes the first in the queue: it leaves the queue, is held, audited and announced.
    public static func claimNext(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato"], to: stores)
        try await queueCases([("n1", .normal, 100), ("e1", .emergency, 300)], in: stores)
        var broken: [String] = []
        let claimed = try await claim(.next, by: "sato", in: stores)
        if claimed.summary.topic != "e1" || claimed.conversation?.currentCase?.id != "case-e1" { broken.append("claimed \(claimed.summary)") }
        if try await stores.cases.queue(now: 1_000, limit: 10).items.map(\.topic) != ["n1"] { broken.append("still queued") }
        let held = try await stores.cases.held(by: "sato")
        if held.map(\.topic) != ["e1"] || held.first?.counsellor != "sato" || held.first?.leaseUntil != 61_000 {
            broken.append("held \(held)")
        }
        let audited = try await stores.audit.entries().filter { $0.action == "case.claim" }
        if audited.map(\.caseID) != [claimed.handle] { broken.append("audit \(audited)") }
        let events = try await stores.cases.events(after: 0, limit: 100)
        if events.map(\.kind) != [.queued, .queued, .claimed] || events.last?.counsellor != "sato" || events.last?.handle != claimed.handle {
            broken.append("feed \(events.map(\.kind))")
        }
        if try await stores.cases.latestEventID() != events.last?.id { broken.append("the latest event id") }
        return broken
    }

    /// Counsellors asking for the next case at the same moment each get a different one.
    public static func concurrentClaims(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        let names = (0..<8).map { "c\($0)" }
        try await addCounsellors(names, to: stores)
        try await queueCases((0..<8).map { ("k\($0)", .normal, Int64(100 + $0)) }, in: stores)
        let topics = try await withThrowingTaskGroup(of: String?.self) { group in
            for name in names { group.addTask { try await claim(.next, by: name, in: stores).summary.topic } }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        var broken: [String] = []
        if Set(topics.compactMap { $0 }).count != 8 { broken.append("claimed \(topics)") }
        if try await !stores.cases.queue(now: 1_000, limit: 10).items.isEmpty { broken.append("cases left in the queue") }
        return broken
    }

    /// A case whose claim lapsed waits again; the one who acts on it next sees who held it.
    public static func lapsedClaim(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato", "suzuki"], to: stores)
        try await queueCases([("n1", .normal, 100)], in: stores)
        var broken: [String] = []
        let claimed = try await claim(.next, by: "sato", in: stores, now: 1_000, lease: 100)
        if try await !stores.cases.queue(now: 1_050, limit: 10).items.isEmpty { broken.append("waiting while held") }
        // The claim is the holder's up to and including its last millisecond (it still counts against the cap then):
        // waiting and live must never both be true of one case, or two counsellors could hold it within their caps.
        if try await !stores.cases.queue(now: 1_100, limit: 10).items.isEmpty { broken.append("waiting at the lease's last millisecond") }
        if try await stores.cases.queue(now: 1_101, limit: 10).counts[.normal] != 1 { broken.append("not counted waiting just after the lease") }
        if try await stores.cases.queue(now: 1_200, limit: 10).items.map(\.topic) != ["n1"] { broken.append("not waiting after the lapse") }
        let taken = try await claim(.next, by: "suzuki", in: stores, now: 1_200)
        if taken.handle != claimed.handle || taken.summary.counsellor != "sato" { broken.append("taken over: \(taken.summary)") }
        if try await stores.cases.held(by: "suzuki").map(\.handle) != [claimed.handle] { broken.append("not suzuki's") }
        return broken
    }

    /// Triage decides her events as with a counsellor only while the counsellor's claim is live: a case whose claim
    /// lapsed (a console closed without releasing, a counsellor gone home) is waiting again, and danger in her words
    /// must then be answered at once, as for any woman waiting, not left to a counsellor who is not there.
    public static func triageSeesOnlyLiveClaims(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato"], to: stores)
        try await queueCases([("n1", .normal, 100), ("n2", .normal, 200)], in: stores)
        _ = try await claim(.next, by: "sato", in: stores, now: 1_000, lease: 100)  // n1, lapsed long before the stores' clock
        _ = try await claim(.next, by: "sato", in: stores, now: 1_000, lease: liveThroughTheTest)  // n2, live
        _ = try await stores.inbox.append([
            InboxStoreContract.event("later-n1", conversation: "chat-n1"), InboxStoreContract.event("later-n2", conversation: "chat-n2"),
        ])
        let seen = Locked([String: TriageState]())
        _ = try await stores.triage.process(try await stores.triage.pendingEvents(limit: 100)) { event, snapshot in
            if let state = snapshot.conversation?.state { seen.withLock { $0[event.eventID] = state } }
            return .nothing
        }
        var broken: [String] = []
        if seen.value["later-n1"] != .queued(priority: .normal) {
            broken.append("a lapsed claim read as \(String(describing: seen.value["later-n1"]))")
        }
        if seen.value["later-n2"] != .active(counsellor: "sato") {
            broken.append("a live claim read as \(String(describing: seen.value["later-n2"]))")
        }
        return broken
    }

    /// A counsellor holds at most `cap` cases; someone who is not an active counsellor holds none; nothing changes.
    public static func limits(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato"], to: stores)
        try await queueCases([("n1", .normal, 100), ("n2", .normal, 200)], in: stores)
        var broken: [String] = []
        _ = try await claim(.next, by: "sato", in: stores, cap: 1)
        do {
            _ = try await claim(.next, by: "sato", in: stores, cap: 1)
            broken.append("a claim beyond the cap was accepted")
        } catch let refusal as CaseRefusal {
            if refusal != .atCapacity(limit: 1) { broken.append("refused as \(refusal)") }
        }
        do {
            _ = try await claim(.next, by: "nobody", in: stores)
            broken.append("an unknown counsellor claimed")
        } catch let refusal as CaseRefusal {
            if refusal != .unknownColleague(name: "nobody") { broken.append("refused as \(refusal)") }
        }
        if try await stores.cases.queue(now: 1_000, limit: 10).items.map(\.topic) != ["n2"] { broken.append("a refused claim changed the queue") }
        do {
            _ = try await claim(.handle("ZZZZ9"), by: "sato", in: stores)
            broken.append("a missing handle was found")
        } catch let refusal as CaseRefusal {
            if refusal != .notFound(handle: "ZZZZ9") { broken.append("refused as \(refusal)") }
        }
        return broken
    }

    /// Open cases are idle by their stage's cutoff (in triage, waiting unheld, held), counted from their last
    /// activity (opened, queued, claimed, a line written); closed ones never are.
    public static func idleCases(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        // A: in triage since 1; B: queued at 1; C: in triage since 1, but wrote at 9_000; D: closed; E: queued, then held.
        _ = try await stores.inbox.append(["A", "B", "C", "D", "E"].map { InboxStoreContract.event("idle-\($0)", conversation: "chat-\($0)") })
        _ = try await stores.triage.process(try await stores.triage.pendingEvents(limit: 100)) { event, _ in
            let chat = String(event.eventID.dropFirst("idle-".count))
            var record = CaseRecord(id: "case-\(chat)", openedAt: 1)
            record.topic = chat
            var state = TriageState.topic
            if chat == "B" || chat == "E" { (record.priority, record.queuedAt, state) = (.normal, 1, .queued(priority: .normal)) }
            if chat == "D" { (record.closedAt, state) = (2, .closed(outcome: "done", referral: nil)) }
            return TriageCommit(
                conversation: Conversation(state: state, currentCase: record), newCaseKey: (caseID: record.id, wrappedKey: [1], fingerprint: "f"),
                transcript: [TranscriptEntry(caseID: record.id, at: chat == "C" ? 9_000 : 1, author: .her, messageRef: nil, sealedText: [2])])
        }
        try await addCounsellors(["c1"], to: stores)
        let queue = try await stores.cases.queue(now: 10, limit: 10).items
        guard let e = queue.first(where: { $0.topic == "E" })?.handle, let b = queue.first(where: { $0.topic == "B" })?.handle else {
            return ["B and E were not queued"]
        }
        _ = try await claim(.handle(e), by: "c1", in: stores, now: 2)
        var broken: [String] = []
        let triage = try await stores.cases.idleCases(triage: 5_000, queued: 0, held: 0)
        if triage.count != 1 || [b, e].contains(triage[0]) { broken.append("idle in triage: \(triage.count) cases, expected A alone") }
        if try await stores.cases.idleCases(triage: 0, queued: 5_000, held: 0) != [b] { broken.append("idle in the queue: not B alone") }
        if try await stores.cases.idleCases(triage: 0, queued: 0, held: 5_000) != [e] { broken.append("idle while held: not E alone") }
        let all = try await stores.cases.idleCases(triage: 10_000, queued: 10_000, held: 10_000)
        if all.count != 4 { broken.append("\(all.count) cases idle in all, expected A, B, C and E (not the closed D)") }
        if try await !stores.cases.idleCases(triage: 0, queued: 0, held: 0).isEmpty { broken.append("cases idle before anything happened") }
        return broken
    }

    public static let all: [(name: String, check: @Sendable (MakeStores) async throws -> [String])] = [
        ("queueOrder", queueOrder), ("claimNext", claimNext), ("concurrentClaims", concurrentClaims), ("lapsedClaim", lapsedClaim),
        ("limits", limits), ("idleCases", idleCases), ("queueTies", queueTies), ("holderChanges", holderChanges),
        ("renewClaims", renewClaims), ("capacity", capacity), ("firstResponse", firstResponse), ("feedCleanUp", feedCleanUp),
        ("corruptConversation", corruptConversation), ("feedEvents", feedEvents), ("actionEvents", actionEvents),
        ("oneRecord", oneRecord), ("oldFormat", oldFormat), ("closeNamesHolder", closeNamesHolder),
        ("triageSeesOnlyLiveClaims", triageSeesOnlyLiveClaims),
    ]
}
