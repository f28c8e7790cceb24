public import TsunaguCore

/// The behaviour every ``InboxStore`` backend must show, written once and run against each backend
/// (SQLite and the in-memory twin now, PostgreSQL later). Each check returns a list of broken promises;
/// an empty list means the backend keeps the contract.
public enum InboxStoreContract {
    public typealias MakeStore = @Sendable () async throws -> any InboxStore

    public static func event(_ id: String, conversation: String? = "c1", at time: Int64 = 1) -> InboxEvent {
        InboxEvent(
            eventID: id, eventType: "message", occurredAt: time, receivedAt: time, sourceKind: .user,
            conversation: conversation.map(Pseudonym.init(rawValue:)), sealedEvent: Array("sealed-\(id)".utf8),
            eventDigest: Array("digest-\(id)".utf8.reversed()))
    }

    /// A new event is stored; the same id again, in a later call or in the same call, is a duplicate.
    public static func dedupe(_ make: MakeStore) async throws -> [String] {
        let store = try await make()
        var broken: [String] = []
        let first = try await store.append([event("a"), event("b")])
        if first != [.stored, .stored] { broken.append("new events not stored: \(first)") }
        let again = try await store.append([event("a"), event("c"), event("c")])
        if again != [.duplicate, .stored, .duplicate] { broken.append("repeats not recognised: \(again)") }
        let counts = try await store.counts()
        if counts != InboxCounts(stored: 3, duplicates: 2, pending: 3, processed: 0) {
            broken.append("counts wrong: \(counts)")
        }
        return broken
    }

    /// Many concurrent appends, some racing on the same ids: each id is stored exactly once, and every
    /// caller gets an outcome for every event it sent.
    public static func concurrentAppends(_ make: MakeStore) async throws -> [String] {
        let store = try await make()
        let callers = 64
        let outcomes = try await withThrowingTaskGroup(of: [InboxAppendOutcome].self) { group in
            for caller in 0..<callers {
                group.addTask {
                    // Each caller sends two events of its own and one shared with its neighbour.
                    try await store.append([
                        event("own-\(caller)-1"), event("own-\(caller)-2"), event("shared-\(caller / 2)"),
                    ])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        var broken: [String] = []
        if outcomes.contains(where: { $0.count != 3 }) { broken.append("an outcome list has the wrong length") }
        let stored = outcomes.joined().count { $0 == .stored }
        let expected = callers * 2 + callers / 2
        if stored != expected { broken.append("stored \(stored) events, expected \(expected)") }
        let counts = try await store.counts()
        if counts.stored != expected || counts.duplicates != callers / 2 { broken.append("counts wrong: \(counts)") }
        return broken
    }

    /// An empty append stores nothing and succeeds.
    public static func emptyAppend(_ make: MakeStore) async throws -> [String] {
        let store = try await make()
        let outcomes = try await store.append([])
        let counts = try await store.counts()
        return outcomes.isEmpty && counts.stored == 0 ? [] : ["empty append changed the store"]
    }
}
