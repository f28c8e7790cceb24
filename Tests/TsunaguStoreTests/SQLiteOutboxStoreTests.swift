import Foundation
import GRDB
import Testing
import TsunaguCore
import TsunaguStore
import TsunaguTesting

@Suite("Outbox store on SQLite")
struct SQLiteOutboxStoreTests {
    let directory: TemporaryDirectory
    let database: SQLiteDatabase
    let store: SQLiteOutboxStore

    init() throws {
        directory = try TemporaryDirectory()
        database = try SQLiteDatabase.open(path: directory.path("outbox.sqlite"))
        store = SQLiteOutboxStore(database: database)
    }

    static func new(_ id: String, _ conversation: String, at time: Int64 = 0) -> NewOutboxEntry {
        NewOutboxEntry(
            id: id, conversation: Pseudonym(rawValue: conversation), retryKey: "key-\(id)", createdAt: time,
            replyTokenUsableUntil: time + 45_000, sealedPayload: Array("payload-\(id)".utf8))
    }

    @Test("at start-up, pending entries that may still reply are marked as possibly replied, and nothing else")
    func markingRepliesAfterARestart() async throws {
        let entries = try await store.enqueue([Self.new("r1", "R"), Self.new("r2", "S"), Self.new("r3", "T")])
        var delivered = entries[1]
        delivered.state = .delivered
        var pushOnly = entries[2]
        pushOnly.replyTokenUsableUntil = nil
        try await store.update([delivered, pushOnly], countingPushes: 0, in: "2026-11")
        #expect(try await store.markRepliesPossiblyMade() == 1)
        let due = try await store.dueEntries(now: 0, limit: 10)
        #expect(due.first { $0.id == "r1" }?.replyOutcomeUnknown == true)
        #expect(due.first { $0.id == "r3" }?.replyOutcomeUnknown == false)
        #expect(try await store.markRepliesPossiblyMade() == 0)
    }

    @Test("entries are numbered per conversation, in order, across calls")
    func sequences() async throws {
        let first = try await store.enqueue([Self.new("a1", "A"), Self.new("b1", "B"), Self.new("a2", "A")])
        let second = try await store.enqueue([Self.new("a3", "A")])
        #expect(first.map(\.sequence) == [1, 1, 2])
        #expect(second.map(\.sequence) == [3])
        #expect(try await store.pendingCount() == 4)
    }

    @Test("only the head of each conversation is offered; the next one only after the head is settled")
    func headOfLine() async throws {
        _ = try await store.enqueue([Self.new("a1", "A"), Self.new("a2", "A"), Self.new("b1", "B"), Self.new("a3", "A")])
        #expect(Set(try await store.dueEntries(now: 0, limit: 10).map(\.id)) == ["a1", "b1"])

        var head = try #require(try await store.dueEntries(now: 0, limit: 10).first { $0.id == "a1" })
        head.state = .delivered
        try await store.update([head], countingPushes: 0, in: "2026-11")
        #expect(Set(try await store.dueEntries(now: 0, limit: 10).map(\.id)) == ["a2", "b1"])
    }

    @Test("conversations with a send in flight are skipped, and so are all their later entries")
    func excludingBusyConversations() async throws {
        _ = try await store.enqueue([Self.new("a1", "A"), Self.new("a2", "A"), Self.new("b1", "B"), Self.new("c1", "C")])
        let busy: Set<Pseudonym> = [Pseudonym(rawValue: "A"), Pseudonym(rawValue: "C")]
        #expect(try await store.dueEntries(now: 0, limit: 10, excluding: busy).map(\.id) == ["b1"])
        #expect(try await store.dueEntries(now: 0, limit: 1, excluding: []).count == 1)
    }

    @Test("concurrent saves are joined, and each sees the month's push count just after its own")
    func concurrentSavesCountPushesInOrder() async throws {
        let entries = try await store.enqueue((1...8).map { Self.new("e\($0)", "P\($0)") })
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for var entry in entries {
                entry.state = .delivered
                group.addTask { try await store.update([entry], countingPushes: 1, in: "2026-12") }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts.sorted() == Array(1...8))  // Every caller saw a distinct running count.
        #expect(try await store.counts().pushesByMonth["2026-12"] == 8)
        #expect(try await store.pendingCount() == 0)
    }

    @Test("a head waiting for its retry time holds back its conversation, not others")
    func retryTimeHoldsConversation() async throws {
        _ = try await store.enqueue([Self.new("a1", "A"), Self.new("a2", "A"), Self.new("b1", "B")])
        var head = try #require(try await store.dueEntries(now: 0, limit: 10).first { $0.id == "a1" })
        head.attempts = 1
        head.nextAttemptAt = 5_000
        head.lastError = "Internal error"
        head.replyOutcomeUnknown = true
        head.firstPushAt = 10
        try await store.update([head], countingPushes: 0, in: "2026-11")
        #expect(try await store.dueEntries(now: 4_999, limit: 10).map(\.id) == ["b1"])
        let due = try #require(try await store.dueEntries(now: 5_000, limit: 10).first { $0.id == "a1" })
        #expect(due.attempts == 1 && due.lastError == "Internal error" && due.replyOutcomeUnknown && due.firstPushAt == 10)
        #expect(due.sealedPayload == Array("payload-a1".utf8) && due.retryKey == "key-a1")
    }

    @Test("delivered and withheld entries lose their payload; dead letters keep it, with LINE's reason")
    func payloadLifetime() async throws {
        _ = try await store.enqueue([Self.new("a1", "A"), Self.new("b1", "B"), Self.new("c1", "C"), Self.new("c2", "C")])
        let due = try await store.dueEntries(now: 0, limit: 10)
        var delivered = try #require(due.first { $0.id == "a1" })
        delivered.state = .delivered
        try await store.update([delivered], countingPushes: 0, in: "2026-11")
        var dead = try #require(due.first { $0.id == "b1" })
        dead.state = .deadLettered
        dead.attempts = 1
        dead.lastError = "The property 'to' is invalid"
        try await store.update([dead], countingPushes: 0, in: "2026-11")
        #expect(try await store.withholdPending(for: Pseudonym(rawValue: "C")) == 2)
        #expect(try await store.pendingCount() == 0)
        #expect(try await store.dueEntries(now: 0, limit: 10).isEmpty)

        let rows = try DatabaseQueue(path: directory.path("outbox.sqlite")).read { db in
            try Row.fetchAll(db, sql: "SELECT id, sealed_payload FROM outbox_entry ORDER BY id")
        }
        let kept = Dictionary(uniqueKeysWithValues: rows.map { (($0["id"] as String), ($0["sealed_payload"] as Data?) != nil) })
        #expect(kept == ["a1": false, "b1": true, "c1": false, "c2": false])

        let counts = try await store.counts()
        #expect(counts.byState == ["pending": 0, "delivered": 1, "deadLettered": 1, "withheld": 2])
        #expect(counts.deadLetters == [.init(id: "b1", createdAt: 0, attempts: 1, reason: "The property 'to' is invalid")])
    }

    @Test("accepted pushes are counted per month in the same transaction as the results")
    func pushUsage() async throws {
        #expect(try await store.update([], countingPushes: 3, in: "2026-11") == 3)
        #expect(try await store.update([], countingPushes: 2, in: "2026-11") == 5)
        #expect(try await store.update([], countingPushes: 1, in: "2026-12") == 1)
        #expect(try await store.update([], countingPushes: 0, in: "2026-12") == 1)
        #expect(try await store.counts().pushesByMonth == ["2026-11": 5, "2026-12": 1])
    }

    @Test("the due list is capped, oldest retry time first")
    func limit() async throws {
        _ = try await store.enqueue((0..<20).map { Self.new("e\($0)", "C\($0)", at: Int64(20 - $0)) })
        let due = try await store.dueEntries(now: 100, limit: 5)
        #expect(due.map(\.id) == ["e19", "e18", "e17", "e16", "e15"])
    }
}
