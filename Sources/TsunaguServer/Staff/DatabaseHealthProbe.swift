import Synchronization

/// Answers "does the database respond?" at most once a second, however often `/healthz` is asked.
///
/// A load balancer may probe every instance many times a second; each probe costs a pooled read and two
/// thread hops. A status at most one second old is as useful and costs nothing in between.
final class DatabaseHealthProbe: Sendable {
    private let probe: @Sendable () async -> Bool
    private let maximumAge: Duration
    private let last = Mutex<(at: ContinuousClock.Instant, healthy: Bool)?>(nil)

    init(isHealthy probe: @escaping @Sendable () async -> Bool, maximumAge: Duration = .seconds(1)) {
        self.probe = probe
        self.maximumAge = maximumAge
    }

    func isHealthy() async -> Bool {
        let now = ContinuousClock.now
        if let cached = last.withLock({ $0 }), now - cached.at < maximumAge { return cached.healthy }
        let healthy = await probe()
        last.withLock { $0 = (now, healthy) }
        return healthy
    }
}
