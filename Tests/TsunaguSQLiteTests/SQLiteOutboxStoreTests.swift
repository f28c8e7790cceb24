import Foundation
import GRDB
import Testing
import TsunaguCore
import TsunaguSQLite
import TsunaguTesting

/// What only SQLite's outbox promises; the shared behaviour is `OutboxStoreContract`, run in
/// OutboxStoreContractTests.
@Suite("Outbox store on SQLite")
struct SQLiteOutboxStoreTests {
    let directory: TemporaryDirectory
    let database: SQLiteDatabase
    let store: SQLiteOutboxStore

    init() throws {
        directory = try TemporaryDirectory()
        database = try SQLiteDatabase.open(path: directory.path("outbox.sqlite"), clock: RealTime.clock)
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

    @Test("delivered, withheld and dead-lettered entries lose their payload; a dead letter keeps LINE's reason")
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
        #expect(kept == ["a1": false, "b1": false, "c1": false, "c2": false])
        #expect(try await store.counts().deadLetters.map(\.reason) == ["The property 'to' is invalid"])
    }
}
