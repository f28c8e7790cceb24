import Foundation
import GRDB
public import TsunaguCore

/// The inbox on SQLite. Appends from concurrent requests share one transaction (group commit), so at the
/// default `full` durability the cost of a sync is spread over every request waiting for it.
///
/// Given a triage decider, it also processes the events it has just stored in that same transaction, when the
/// batch is small (at most `inlineLimit` events): one sync then makes an event and the answer to it durable,
/// which halves the syncs on the way from her message to the reply, and the processor never reads, opens and
/// decodes the event again. A large batch means a burst; its events are left to the processor, whose larger
/// transactions keep acknowledging fast.
///
/// Why 64: answering an event costs well under a millisecond of CPU, so a full inline batch adds tens of
/// milliseconds to its acknowledgement, far inside LINE's two seconds, while the 32 concurrent requests of a busy
/// channel (one batch forms while the previous one syncs) are all answered in their own transaction. At 8, most
/// batches of such a load went to the processor: a second transaction and sync, and each event read and decoded again.
public struct SQLiteInboxStore: InboxStore {
    public typealias Decide = @Sendable (InboxEvent, TriageSnapshot) throws -> TriageCommit

    private let database: SQLiteDatabase
    private let committer: GroupCommitter<Database, InboxEvent, InboxAppendOutcome>

    public init(database: SQLiteDatabase, triage decide: Decide? = nil, inlineLimit: Int = 64) {
        self.database = database
        let writer = database.writer
        let scrub = database.requestScrub
        self.committer = GroupCommitter(
            access: { body in writer.asyncWriteWithoutTransaction { db in body(db) } },
            flush: { db, events in
                var outcomes: [InboxAppendOutcome] = []
                try db.inTransaction(.immediate) {
                    outcomes = try Self.insert(events, in: db)
                    if let decide, events.count <= inlineLimit {
                        let stored = zip(events, outcomes).filter { $0.1 == .stored }.map(\.0)
                        _ = SQLiteTriageStore.processJustStored(stored, decide: decide, scrub: scrub, in: db)
                    }
                    return .commit
                }
                return outcomes
            })
    }

    public func append(_ events: [InboxEvent]) async throws -> [InboxAppendOutcome] {
        guard !events.isEmpty else { return [] }
        return try await committer.submit(events)
    }

    public func counts() async throws -> InboxCounts {
        try await database.writer.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS stored,
                           COALESCE(SUM(duplicate_count), 0) AS duplicates,
                           COALESCE(SUM(processed_at IS NULL), 0) AS pending
                    FROM inbox_event
                    """)!
            let stored: Int = row["stored"]
            let pending: Int = row["pending"]
            return InboxCounts(stored: stored, duplicates: row["duplicates"], pending: pending, processed: stored - pending)
        }
    }

    /// Inserts each event, or counts it as a duplicate when its id is already stored (also within the batch), or
    /// its digest was seen (its row may be gone since: processed and deleted; ``InboxEvent/eventDigest``).
    private static func insert(_ events: [InboxEvent], in db: Database) throws -> [InboxAppendOutcome] {
        let remember = try db.cachedStatement(sql: "INSERT INTO seen_event (digest, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
        let repeated = try db.cachedStatement(sql: "UPDATE inbox_event SET duplicate_count = duplicate_count + 1 WHERE event_id = ?")
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO inbox_event
                    (event_id, event_type, occurred_at, received_at, source_kind, conversation, sealed_event)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (event_id) DO UPDATE SET duplicate_count = duplicate_count + 1
                RETURNING duplicate_count
                """)
        return try events.map { event in
            if let digest = event.eventDigest {
                try remember.execute(arguments: [Data(digest), event.seenHour])
                guard db.changesCount == 1 else {
                    try repeated.execute(arguments: [event.eventID])
                    return .duplicate
                }
            }
            let duplicateCount = try Int.fetchOne(
                statement,
                arguments: [
                    event.eventID, event.eventType, event.occurredAt, event.receivedAt, event.sourceKind.rawValue,
                    event.conversation?.rawValue, Data(event.sealedEvent),
                ])
            return duplicateCount == 0 ? .stored : .duplicate
        }
    }
}
