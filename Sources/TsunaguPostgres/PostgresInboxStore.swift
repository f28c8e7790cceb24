import Foundation
import Logging
import PostgresNIO
public import TsunaguCore

/// The inbox on PostgreSQL, shared by every instance: the primary key on `event_id` is what makes a redelivery
/// that reaches another instance a duplicate, whichever instance got the original.
///
/// There is no group committer here, unlike SQLite: each append is its own transaction on a pooled connection,
/// and PostgreSQL already flushes the write-ahead log once for the commits that arrive together.
public struct PostgresInboxStore: InboxStore {
    private let database: SharedDatabase

    public init(database: SharedDatabase) {
        self.database = database
    }

    public func append(_ events: [InboxEvent]) async throws -> [InboxAppendOutcome] {
        guard !events.isEmpty else { return [] }
        let logger = database.logger
        // Rows are inserted in event-id order, so two appends that share ids never wait on each other in a cycle;
        // their arrival numbers are drawn first, in the order given, which is the order her events are answered in.
        let order = events.indices.sorted { (events[$0].eventID, $0) < (events[$1].eventID, $1) }
        return try await database.transaction { connection in
            var arrivals: [Int64] = []
            for try await arrival in try await connection.query(
                "SELECT nextval(pg_get_serial_sequence('inbox_event', 'arrival')) FROM generate_series(1, \(events.count))",
                logger: logger
            ).decode(Int64.self) {
                arrivals.append(arrival)
            }
            arrivals.sort()
            var outcomes = [InboxAppendOutcome](repeating: .duplicate, count: events.count)
            for index in order {
                let event = events[index]
                // Its digest seen already (its row may be gone since): a duplicate. Inserted in event-id order, as the rows.
                if let digest = event.eventDigest {
                    let new = try await connection.query(
                        "INSERT INTO seen_event (digest, seen_at) VALUES (\(Data(digest)), \(event.seenHour)) ON CONFLICT DO NOTHING RETURNING 1",
                        logger: logger
                    ).collect()
                    guard !new.isEmpty else {
                        try await connection.query(
                            "UPDATE inbox_event SET duplicate_count = duplicate_count + 1 WHERE event_id = \(event.eventID)", logger: logger)
                        continue  // outcomes[index] is already .duplicate
                    }
                }
                let sealed = Data(event.sealedEvent)
                let rows = try await connection.query(
                    """
                    INSERT INTO inbox_event
                        (event_id, event_type, occurred_at, received_at, source_kind, conversation, sealed_event, arrival)
                    VALUES (\(event.eventID), \(event.eventType), \(event.occurredAt), \(event.receivedAt),
                            \(event.sourceKind.rawValue), \(event.conversation?.rawValue), \(sealed), \(arrivals[index]))
                    ON CONFLICT (event_id) DO UPDATE SET duplicate_count = inbox_event.duplicate_count + 1
                    RETURNING duplicate_count
                    """, logger: logger)
                for try await count in rows.decode(Int.self) { outcomes[index] = count == 0 ? .stored : .duplicate }
            }
            return outcomes
        }
    }

    public func counts() async throws -> InboxCounts {
        let rows = try await database.client.query(
            """
            SELECT COUNT(*), COALESCE(SUM(duplicate_count), 0)::BIGINT,
                   COUNT(*) FILTER (WHERE processed_at IS NULL)
            FROM inbox_event
            """, logger: database.logger)
        for try await (stored, duplicates, pending) in rows.decode((Int, Int, Int).self) {
            return InboxCounts(stored: stored, duplicates: duplicates, pending: pending, processed: stored - pending)
        }
        return InboxCounts(stored: 0, duplicates: 0, pending: 0, processed: 0)
    }
}
