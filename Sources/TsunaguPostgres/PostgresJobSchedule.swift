import PostgresNIO
public import TsunaguCore

/// Claims the runs of periodic jobs (the retention purge, forgetting old feed events), so that each runs once
/// per period across all instances, not once per instance. Why a row and not a lock held while the job runs: a
/// job that dies halfway must not run again at once on another instance, and the row says when it last ran.
public struct PostgresJobSchedule: JobSchedule {
    private let database: SharedDatabase
    private let instance: String

    public init(database: SharedDatabase, instance: String) {
        self.database = database
        self.instance = instance
    }

    /// One conditional upsert: of all instances asking at once, exactly one sees its row come back.
    public func claim(_ job: String, every interval: Duration, now: Int64) async throws -> Bool {
        let rows = try await database.client.query(
            """
            INSERT INTO scheduled_job (name, last_run_at, run_by) VALUES (\(job), \(now), \(instance))
            ON CONFLICT (name) DO UPDATE SET last_run_at = EXCLUDED.last_run_at, run_by = EXCLUDED.run_by
            WHERE scheduled_job.last_run_at <= \(now - interval.wholeMilliseconds)
            RETURNING name
            """, logger: database.logger)
        return try await !rows.collect().isEmpty
    }
}
