public import TsunaguCore

/// The behaviour every ``OutboxStore`` backend must show (SQLite and PostgreSQL), written once. Each check
/// returns the promises it found broken; an empty list means the backend keeps the contract.
///
/// What may differ between backends, and is therefore not checked here: whether an entry already offered
/// is offered again before it is saved. The single SQLite sender keeps that to itself (its `excluding` set);
/// PostgreSQL's instances lease what they take, and that is checked in the PostgreSQL suite.
public enum OutboxStoreContract {
    public typealias MakeStore = @Sendable () async throws -> any OutboxStore

    public static func new(_ id: String, _ conversation: String, at time: Int64 = 0) -> NewOutboxEntry {
        NewOutboxEntry(
            id: id, conversation: Pseudonym(rawValue: conversation), retryKey: "key-\(id)", createdAt: time,
            replyTokenUsableUntil: time + 45_000, sealedPayload: Array("payload-\(id)".utf8))
    }

    /// Entries are numbered per conversation, in order, across calls.
    public static func sequences(_ make: MakeStore) async throws -> [String] {
        let store = try await make()
        var broken: [String] = []
        let first = try await store.enqueue([new("a1", "A"), new("b1", "B"), new("a2", "A")])
        let second = try await store.enqueue([new("a3", "A")])
        if first.map(\.sequence) != [1, 1, 2] || second.map(\.sequence) != [3] {
            broken.append("numbered \(first.map(\.sequence)) then \(second.map(\.sequence))")
        }
        let pending = try await store.pendingCount()
        if pending != 4 { broken.append("\(pending) pending, expected 4") }
        return broken
    }

    /// Concurrent enqueues for the same conversation get distinct, gap-free numbers.
    public static func concurrentEnqueues(_ make: MakeStore) async throws -> [String] {
        let store = try await make()
        let sequences = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for caller in 0..<16 {
                group.addTask { try await store.enqueue([new("x\(caller)-1", "X"), new("x\(caller)-2", "X")]).map(\.sequence) }
            }
            return try await group.reduce(into: [[Int64]]()) { $0.append($1) }
        }
        var broken: [String] = []
        if sequences.joined().sorted() != Array(1...32) { broken.append("numbers were \(sequences.joined().sorted())") }
        if sequences.contains(where: { $0.count != 2 || $0[1] != $0[0] + 1 }) {
            broken.append("one caller's entries were not numbered together")
        }
        return broken
    }

    /// Only the head of each conversation is offered; the next one once the head is settled.
    public static func headOfLine(_ make: MakeStore) async throws -> [String] {
        let store = try await make()
        var broken: [String] = []
        _ = try await store.enqueue([new("a1", "A"), new("a2", "A"), new("b1", "B"), new("a3", "A")])
        let due = try await store.dueEntries(now: 0, limit: 10)
        if Set(due.map(\.id)) != ["a1", "b1"] { broken.append("offered \(due.map(\.id)), expected the heads a1 and b1") }
        guard var head = due.first(where: { $0.id == "a1" }) else { return broken }
        head.state = .delivered
        try await store.update([head], countingPushes: 0, in: "2026-11")
        let next = Set(try await store.dueEntries(now: 0, limit: 10).map(\.id))
        if !next.contains("a2") || !next.isDisjoint(with: ["a1", "a3"]) {
            broken.append("after a1 was settled, offered \(next.sorted()); expected a2 and neither a1 nor a3")
        }
        return broken
    }

    /// Conversations with a send in flight are skipped, with all their later entries; the limit holds.
    public static func excludingBusy(_ make: MakeStore) async throws -> [String] {
        let store = try await make()
        var broken: [String] = []
        _ = try await store.enqueue([new("a1", "A"), new("a2", "A"), new("b1", "B"), new("c1", "C")])
        let busy: Set<Pseudonym> = [Pseudonym(rawValue: "A"), Pseudonym(rawValue: "C")]
        let due = try await store.dueEntries(now: 0, limit: 10, excluding: busy)
        if due.map(\.id) != ["b1"] { broken.append("with A and C busy, offered \(due.map(\.id))") }
        let capped = try await store.dueEntries(now: 0, limit: 1, excluding: [])
        if capped.count != 1 { broken.append("a limit of 1 gave \(capped.count) entries") }
        return broken
    }

    /// Concurrent saves each see the month's push count just after their own.
    public static func concurrentSaves(_ make: MakeStore) async throws -> [String] {
        let store = try await make()
        var broken: [String] = []
        let entries = try await store.enqueue((1...8).map { new("e\($0)", "P\($0)") })
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for var entry in entries {
                entry.state = .delivered
                group.addTask { try await store.update([entry], countingPushes: 1, in: "2026-12") }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        if counts.sorted() != Array(1...8) { broken.append("the running counts seen were \(counts.sorted())") }
        let total = try await store.counts().pushesByMonth["2026-12"]
        if total != 8 { broken.append("the month counts \(total ?? 0) pushes, expected 8") }
        let pending = try await store.pendingCount()
        if pending != 0 { broken.append("\(pending) still pending") }
        return broken
    }

    /// A head waiting for its retry time holds back its conversation only; its attempt's facts are kept.
    public static func retryTime(_ make: MakeStore) async throws -> [String] {
        let store = try await make()
        var broken: [String] = []
        _ = try await store.enqueue([new("a1", "A"), new("a2", "A"), new("b1", "B")])
        let first = try await store.dueEntries(now: 0, limit: 10, excluding: [Pseudonym(rawValue: "B")])
        guard var head = first.first(where: { $0.id == "a1" }) else { return ["a1 was not offered: \(first.map(\.id))"] }
        head.attempts = 1
        head.nextAttemptAt = 5_000
        head.lastError = "Internal error"
        head.replyOutcomeUnknown = true
        head.firstPushAt = 10
        try await store.update([head], countingPushes: 0, in: "2026-11")
        let early = try await store.dueEntries(now: 4_999, limit: 10)
        if early.map(\.id) != ["b1"] { broken.append("before a1's retry time, offered \(early.map(\.id))") }
        guard let due = try await store.dueEntries(now: 5_000, limit: 10).first(where: { $0.id == "a1" }) else {
            return broken + ["a1 was not offered at its retry time"]
        }
        if !(due.attempts == 1 && due.lastError == "Internal error" && due.replyOutcomeUnknown && due.firstPushAt == 10) {
            broken.append("a1's attempt was not kept: \(due.attempts), \(due.lastError ?? "-"), \(due.replyOutcomeUnknown)")
        }
        if due.sealedPayload != Array("payload-a1".utf8) || due.retryKey != "key-a1" { broken.append("a1's payload or key changed") }
        return broken
    }

    /// Settled entries leave the pending count and the due list; dead letters are reported with LINE's reason.
    public static func settling(_ make: MakeStore) async throws -> [String] {
        let store = try await make()
        var broken: [String] = []
        _ = try await store.enqueue([new("a1", "A"), new("b1", "B"), new("c1", "C"), new("c2", "C")])
        let due = try await store.dueEntries(now: 0, limit: 10)
        guard var delivered = due.first(where: { $0.id == "a1" }), var dead = due.first(where: { $0.id == "b1" }) else {
            return ["the heads were not offered: \(due.map(\.id))"]
        }
        delivered.state = .delivered
        try await store.update([delivered], countingPushes: 0, in: "2026-11")
        dead.state = .deadLettered
        dead.attempts = 1
        dead.lastError = "The property 'to' is invalid"
        try await store.update([dead], countingPushes: 0, in: "2026-11")
        let withheld = try await store.withholdPending(for: Pseudonym(rawValue: "C"))
        if withheld != 2 { broken.append("withheld \(withheld) entries of C, expected 2") }
        if try await store.pendingCount() != 0 { broken.append("entries still pending") }
        if try await !store.dueEntries(now: 0, limit: 10).isEmpty { broken.append("settled entries still offered") }
        let counts = try await store.counts()
        if counts.byState != ["pending": 0, "delivered": 1, "deadLettered": 1, "withheld": 2] {
            broken.append("counts by state were \(counts.byState)")
        }
        if counts.deadLetters != [.init(id: "b1", createdAt: 0, attempts: 1, reason: "The property 'to' is invalid")] {
            broken.append("dead letters were \(counts.deadLetters)")
        }
        return broken
    }

    /// Accepted pushes are counted per month.
    public static func pushUsage(_ make: MakeStore) async throws -> [String] {
        let store = try await make()
        let seen = [
            try await store.update([], countingPushes: 3, in: "2026-11"),
            try await store.update([], countingPushes: 2, in: "2026-11"),
            try await store.update([], countingPushes: 1, in: "2026-12"),
            try await store.update([], countingPushes: 0, in: "2026-12"),
        ]
        var broken: [String] = []
        if seen != [3, 5, 1, 1] { broken.append("running counts were \(seen)") }
        let months = try await store.counts().pushesByMonth
        if months != ["2026-11": 5, "2026-12": 1] { broken.append("months were \(months)") }
        return broken
    }

    /// The due list is capped, earliest retry time first.
    public static func limit(_ make: MakeStore) async throws -> [String] {
        let store = try await make()
        _ = try await store.enqueue((0..<20).map { new("e\($0)", "C\($0)", at: Int64(20 - $0)) })
        let due = try await store.dueEntries(now: 100, limit: 5).map(\.id)
        return due == ["e19", "e18", "e17", "e16", "e15"] ? [] : ["offered \(due)"]
    }

    /// Every check, by name, for a suite that runs them all against one backend.
    /// At start-up, a pending send a sender had taken and that may still reply is marked as possibly replied
    /// already, once; a push (no token) and a settled send are not.
    public static func repliesPossiblyMade(_ make: MakeStore) async throws -> [String] {
        let store = try await make()
        var push = new("b1", "B")
        push.replyTokenUsableUntil = nil
        _ = try await store.enqueue([new("a1", "A"), push, new("c1", "C")])
        // A sender took all three (on PostgreSQL, leasing them) and settled c1 before it died.
        guard var settled = try await store.dueEntries(now: 0, limit: 10).first(where: { $0.id == "c1" }) else { return ["c1 was not offered"] }
        settled.state = .delivered
        try await store.update([settled], countingPushes: 0, in: "2026-11")
        var broken: [String] = []
        let marked = try await store.markRepliesPossiblyMade()
        if marked != 1 { broken.append("marked \(marked) sends, expected a1 alone") }
        if try await store.markRepliesPossiblyMade() != 0 { broken.append("marked a send twice") }
        let unknown = try await store.dueEntries(now: 10_000_000, limit: 10).filter(\.replyOutcomeUnknown).map(\.id)
        if unknown != ["a1"] { broken.append("offered as possibly replied: \(unknown)") }
        return broken
    }

    public static let all: [(name: String, check: @Sendable (MakeStore) async throws -> [String])] = [
        ("sequences", sequences), ("concurrentEnqueues", concurrentEnqueues), ("headOfLine", headOfLine),
        ("excludingBusy", excludingBusy), ("concurrentSaves", concurrentSaves), ("retryTime", retryTime),
        ("settling", settling), ("pushUsage", pushUsage), ("limit", limit), ("repliesPossiblyMade", repliesPossiblyMade),
    ]
}
