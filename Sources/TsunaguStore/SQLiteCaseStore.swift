import GRDB
public import TsunaguCore

/// Cases as counsellors see them: the queue now; claims, transcripts and closing with the staff API.
public struct SQLiteCaseStore: Sendable {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    /// Waiting cases in the order they should be taken: emergency first, then urgent, then the rest; within a
    /// priority, the longest waiting first (so the out-of-hours backlog is served at shift start).
    public func waiting() async throws -> [QueueItem] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT handle, priority, topic, urgency, emergency, out_of_hours, queued_at FROM triage_case
                    WHERE queued_at IS NOT NULL AND claimed_at IS NULL AND closed_at IS NULL
                    ORDER BY CASE priority WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END, queued_at
                    """
            ).map { row in
                QueueItem(
                    handle: row["handle"], priority: Priority(rawValue: row["priority"] ?? "") ?? .normal, topic: row["topic"],
                    urgency: row["urgency"], emergency: row["emergency"], outOfHours: row["out_of_hours"] ?? false,
                    queuedAt: row["queued_at"])
            }
        }
    }
}
