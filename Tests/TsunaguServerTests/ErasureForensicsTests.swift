import Foundation
import GRDB
import LineSandbox
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// What the bot tells her about her data is true of every byte on disk: after a confirmed erasure and after the
/// retention purge, the SQLite files (database, write-ahead log, free pages) hold no wrapped key, transcript line,
/// sealed send or sealed address of hers. (PostgreSQL: the same checks through `pg_dump`, in `ErasureContract`.)
@Suite("Erasure and retention, read from the disk")
struct ErasureForensicsTests {
    let script = ScriptFixture.engine.script

    /// Every blob that holds something of hers now: case keys, transcript lines, her address, sends not yet settled.
    private func herBlobs(_ harness: ConversationHarness) throws -> [[UInt8]] {
        try harness.query { db in
            let sql = [
                "SELECT wrapped_key FROM case_key", "SELECT sealed_text FROM case_message", "SELECT sealed_address FROM conversation",
                "SELECT sealed_payload FROM outbox_entry WHERE sealed_payload IS NOT NULL", "SELECT sealed_text FROM held_words",
            ]
            return try sql.flatMap { try Data.fetchAll(db, sql: $0).map { Array($0) } }
        }
    }

    /// Whether the outbox is empty (polled: the sender settles each send just after LINE accepts it).
    private func sent(_ harness: ConversationHarness) async -> Bool {
        let outbox = SQLiteOutboxStore(database: harness.base.database)
        return await eventually { (try? await outbox.pendingCount()) == 0 }
    }

    @Test func confirmedErasureLeavesNoneOfHerBytesOnDiskFromAnyOfHerCases() async throws {
        let harness = try ConversationHarness()
        let desk = try #require(harness.base.dependencies.desk)
        var before: [[UInt8]] = []
        try await harness.run { phone in
            for (event, total) in [(PhoneEvent.follow(unblocked: false), 2), (.postback("consent:yes"), 3), (.text("彼のことで悩んでいます"), 5)] {
                try await phone.send(event, from: "Uhana")
                await phone.waitForMessages(total, to: "Uhana")
            }
            // Her first case goes quiet and is closed; she comes back with a second one.
            #expect(try await desk.closeIdleCases(triage: .max, queued: .max, held: .max) == 1)
            try await phone.send(.text("また相談したいことがあります。職場のことです"), from: "Uhana")
            await phone.waitForMessages(6, to: "Uhana")
        }
        before = try herBlobs(harness)
        let cases = try harness.query { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_key")! }
        #expect(cases == 2, "two cases of hers, each with its key")
        try await harness.run { phone in
            let count = phone.received(by: "Uhana").count
            try await phone.send(.text("やめる"), from: "Uhana")
            await phone.waitForMessages(count + 1, to: "Uhana")
            try await phone.send(.postback("erase:yes"), from: "Uhana")
            let texts = await phone.waitForMessages(count + 2, to: "Uhana")
            #expect(texts.last == script.stop.reply)
            #expect(await sent(harness), "every send delivered while the sender runs")
        }
        #expect(before.count >= 5)
        #expect(try await AtRest.leftover(before, in: harness.base.database).isEmpty, "her keys, lines, address and sends are gone from every file")
        let (linked, outcomes, address) = try harness.query { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM triage_case WHERE conversation IN (SELECT pseudonym FROM conversation)")!,
                try String.fetchAll(db, sql: "SELECT outcome FROM triage_case ORDER BY opened_at"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conversation WHERE sealed_address IS NOT NULL")!
            )
        }
        #expect(linked == 0, "no case is linked to her any more")
        #expect(outcomes == [TriageEngine.idleOutcome, "stopped"], "the anonymous records stay")
        #expect(address == 0, "her address is dropped once the reply is sent")
    }

    @Test func theRetentionPurgeLeavesNoneOfTheCaseOnDiskAndUnlinksIt() async throws {
        let harness = try ConversationHarness()
        try await harness.run { phone in
            for (event, total) in [(PhoneEvent.follow(unblocked: false), 2), (.postback("consent:yes"), 3), (.text("話を聞いてほしいです"), 5)] {
                try await phone.send(event, from: "Uold")
                await phone.waitForMessages(total, to: "Uold")
            }
            #expect(await sent(harness), "every send delivered while the sender runs")
        }
        let content = try harness.query { db in
            try (Data.fetchAll(db, sql: "SELECT wrapped_key FROM case_key") + Data.fetchAll(db, sql: "SELECT sealed_text FROM case_message"))
                .map { Array($0) }
        }
        // Twenty days later her case has idled in the queue: it is closed, and its retention starts.
        let later = ManualClock(at: max(harness.clock.now(), RealTime.clock.now()) + 20 * 86_400_000)
        let service = RetentionService(
            store: SQLiteTriageStore(database: harness.base.database), feed: SQLiteCaseStore(database: harness.base.database),
            desk: harness.base.dependencies.desk, periods: RetentionService.Periods(messageDays: 90), clock: later.clock,
            logger: harness.base.logger)
        #expect(await service.purge() == 0, "the idle case is closed now; its retention starts")
        let outcome = try harness.query { db in try String.fetchOne(db, sql: "SELECT outcome FROM triage_case") }
        #expect(outcome == TriageEngine.idleOutcome)
        later.advance(by: 180 * 86_400_000)
        #expect(await service.purge() == 1)
        #expect(content.count >= 2)
        #expect(try await AtRest.leftover(content, in: harness.base.database).isEmpty, "the case's key and lines are gone from every file")
        let (linked, state, events, address) = try harness.query { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM triage_case WHERE conversation IN (SELECT pseudonym FROM conversation)")!,
                try String.fetchOne(db, sql: "SELECT state FROM conversation")!,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_event")!,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conversation WHERE sealed_address IS NOT NULL")!
            )
        }
        #expect(linked == 0, "the case is no longer linked to her pseudonym")
        #expect(!state.contains("currentCase"), "her state forgot the case")
        #expect(events == 0, "processed inbox events are deleted")
        #expect(address == 0, "her address, needed for nothing, is deleted")
    }
}
