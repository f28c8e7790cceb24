import PostgresNIO

/// LINE's per-channel rate limits, shared by every instance: each second of the database's clock, an endpoint
/// has `limit` calls, and instances reserve them in small blocks.
///
/// Why blocks and the database's clock: one round trip per call would cost more than the call, and instances'
/// clocks may disagree by more than the second being counted. A block an instance does not use by the second's
/// end is lost, so the channel is held a little under its limit, never over it.
public struct PostgresRateBudget: Sendable {
    private let database: SharedDatabase

    public init(database: SharedDatabase) { self.database = database }

    /// What a reservation got.
    public struct Grant: Sendable, Hashable {
        /// The second (of the database's clock) the calls belong to.
        public var second: Int64
        /// How much of that second was left when they were granted: the calls must be made within it.
        public var remaining: Duration
    }

    /// Reserves `calls` of this second's `limit` for `endpoint`; `nil` when the second has fewer than `calls`
    /// left (try again in the next one).
    public func reserve(_ calls: Int, of limit: Int, for endpoint: String) async throws -> Grant? {
        let rows = try await database.client.query(
            """
            WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS now)
            INSERT INTO rate_window (endpoint, second, used)
            SELECT \(endpoint), floor(clock.now)::bigint, \(calls) FROM clock
            ON CONFLICT (endpoint, second) DO UPDATE SET used = rate_window.used + EXCLUDED.used
            WHERE rate_window.used + EXCLUDED.used <= \(limit)
            RETURNING second, (SELECT now FROM clock), xmax = 0
            """, logger: database.logger)
        var grant: Grant?
        var opensSecond = false
        for try await (second, now, inserted) in rows.decode((Int64, Double, Bool).self) {
            grant = Grant(second: second, remaining: .milliseconds(max(0, Int64((Double(second + 1) - now) * 1000))))
            opensSecond = inserted  // `xmax = 0`: this reservation made the second's row.
        }
        if let grant, opensSecond, grant.second % 60 == 0 {
            // Once a minute, by whoever opens that minute's first second: forget the seconds that passed.
            try await database.client.query(
                "DELETE FROM rate_window WHERE endpoint = \(endpoint) AND second < \(grant.second - 60)", logger: database.logger)
        }
        return grant
    }
}
