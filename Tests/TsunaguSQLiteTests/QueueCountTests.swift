import Foundation
import GRDB
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguTesting

/// The queue's counts come from `queue_count`, kept by triggers; they must equal a walk of the cases whatever
/// happens to them, and the queue must treat a lapsed claim as waiting.
@Suite("Queue counts")
struct QueueCountTests {
    @Test("the trigger-kept counts equal a walk of the cases after hundreds of random changes")
    func countsStayExact() async throws {
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase.open(path: directory.path("db.sqlite"), clock: RealTime.clock).chained(with: AuditForgery.testChain)
        let store = SQLiteCaseStore(database: database)
        let queue = try DatabaseQueue(path: directory.path("db.sqlite"))
        defer { try? queue.close() }
        var generator = SeededGenerator(seed: 42)
        let priorities = ["emergency", "urgent", "normal"]
        let now: Int64 = 1_000_000
        try await queue.write { db in
            for index in 0..<300 {
                try db.execute(
                    sql: """
                        INSERT INTO triage_case (id, handle, conversation, opened_at, priority, queued_at)
                        VALUES (?, ?, 'p', 0, ?, ?)
                        """,
                    arguments: ["c\(index)", "H\(index)", priorities[index % 3], index % 4 == 0 ? nil : Int64(index)])
            }
        }
        for _ in 0..<400 {
            let id = "c\(Int.random(in: 0..<300, using: &generator))"
            let change = [
                "UPDATE triage_case SET counsellor = 'sato', lease_until = \(now + 1000) WHERE id = ?",
                "UPDATE triage_case SET counsellor = 'sato', lease_until = \(now - 1000) WHERE id = ?",
                "UPDATE triage_case SET counsellor = NULL, lease_until = NULL WHERE id = ?",
                "UPDATE triage_case SET closed_at = 5 WHERE id = ?",
                "UPDATE triage_case SET queued_at = 7 WHERE id = ? AND queued_at IS NULL",
                "UPDATE triage_case SET priority = 'emergency' WHERE id = ?",
                "DELETE FROM triage_case WHERE id = ?",
            ].randomElement(using: &generator)!
            try await queue.write { db in try db.execute(sql: change, arguments: [id]) }
        }
        let walked = try await queue.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT priority, COUNT(*) AS n FROM triage_case
                    WHERE queued_at IS NOT NULL AND closed_at IS NULL AND (counsellor IS NULL OR lease_until < ?) GROUP BY priority
                    """,
                arguments: [now]
            ).reduce(into: [Priority: Int]()) { $0[Priority(rawValue: $1["priority"])!] = $1["n"] }
        }
        let counted = try await store.waitingCounts(now: now).filter { $0.value != 0 }
        #expect(counted == walked)
        #expect(!walked.isEmpty)
        // The listing agrees with the counts, lapsed claims included, most urgent first.
        let listed = try await store.waiting(now: now, limit: 1000)
        #expect(listed.count == walked.values.reduce(0, +))
        #expect(listed.map(\.priority.rank) == listed.map(\.priority.rank).sorted())
        try database.close()
    }
}
