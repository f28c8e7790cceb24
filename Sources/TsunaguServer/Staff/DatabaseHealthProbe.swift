import Synchronization
import TsunaguStore

/// Answers "does the database respond?" at most once a second, however often `/healthz` is asked.
///
/// A load balancer may probe every instance many times a second; each probe costs a pooled read and two
/// thread hops. A status at most one second old is as useful and costs nothing in between.
final class DatabaseHealthProbe: Sendable {
    private let database: SQLiteDatabase
    private let maximumAge: Duration
    private let last = Mutex<(at: ContinuousClock.Instant, healthy: Bool)?>(nil)

    init(database: SQLiteDatabase, maximumAge: Duration = .seconds(1)) {
        self.database = database
        self.maximumAge = maximumAge
    }

    func isHealthy() async -> Bool {
        let now = ContinuousClock.now
        if let cached = last.withLock({ $0 }), now - cached.at < maximumAge { return cached.healthy }
        let healthy = await database.isHealthy()
        last.withLock { $0 = (now, healthy) }
        return healthy
    }
}
