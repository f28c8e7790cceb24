import Foundation
import GRDB
import LineSandbox
import Logging
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// Messages of cases closed longer ago than the retention period are destroyed; the anonymous record stays.
@Suite("Retention")
struct RetentionTests {
    @Test func contentPastRetentionIsDestroyedAndTheRecordKept() async throws {
        let harness = try ConversationHarness()
        try await harness.run { phone in
            for user in ["Uold", "Urecent"] {
                try await phone.send(.follow(unblocked: false), from: user)
                await phone.waitForMessages(2, to: user)
                try await phone.send(.postback("consent:yes"), from: user)
                await phone.waitForMessages(3, to: user)
                try await phone.send(.text("話を聞いてほしいです"), from: user)
                await phone.waitForMessages(5, to: user)
            }
        }
        let day: Int64 = 86_400_000
        let nowMs = RealTime.clock.now()
        let writer = try DatabaseQueue(path: harness.base.database.path)
        let ids = try await writer.write { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM triage_case ORDER BY opened_at")
            try db.execute(sql: "UPDATE triage_case SET closed_at = ?, outcome = 'resolved' WHERE id = ?", arguments: [nowMs - 91 * day, ids[0]])
            try db.execute(sql: "UPDATE triage_case SET closed_at = ?, outcome = 'resolved' WHERE id = ?", arguments: [nowMs - 89 * day, ids[1]])
            // Two live-feed events, one eight days old.
            try db.execute(
                sql: "INSERT INTO staff_event (at, kind, handle) VALUES (?, 'queued', 'OLD1'), (?, 'queued', 'NEW1')",
                arguments: [nowMs - 8 * day, nowMs - day])
            return ids
        }
        try writer.close()

        let service = RetentionService(
            store: SQLiteTriageStore(database: harness.base.database), feed: SQLiteCaseStore(database: harness.base.database),
            periods: RetentionService.Periods(messageDays: 90), clock: ManualClock(at: nowMs).clock, logger: harness.base.logger)
        #expect(await service.purge() == 1)
        #expect(await service.purge() == 0)  // Nothing left to purge.

        let reader = try DatabaseQueue(path: harness.base.database.path)
        let (keys, messages, records, events) = try await reader.read { db in
            (
                try String.fetchAll(db, sql: "SELECT case_id FROM case_key"),
                try String.fetchAll(db, sql: "SELECT DISTINCT case_id FROM case_message"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM triage_case WHERE outcome = 'resolved'")!,
                try String.fetchAll(db, sql: "SELECT handle FROM staff_event")
            )
        }
        #expect(keys == [ids[1]] && messages == [ids[1]])
        #expect(records == 2)
        #expect(events == ["NEW1"], "the week-old feed event is forgotten, the recent one kept")
    }
}
