import Logging

/// A rate budget every instance shares (PostgreSQL's): reserves `calls` of `limit` for `endpoint` in the current
/// second, and returns how long they may be used, or `nil` when that second is spent.
public typealias SharedRateBudget = @Sendable (_ endpoint: String, _ calls: Int, _ limit: Int) async throws -> Duration?

/// How the sender paces one endpoint's calls: by this instance alone (one instance owns the channel), or within a
/// budget shared by every instance.
enum CallPacer: Sendable {
    case alone(RateLimiter)
    case shared(SharedRateLimiter)

    init(endpoint: String, requestsPerSecond: Int, shared: SharedRateBudget?, logger: Logger) {
        let local = RateLimiter(ratePerSecond: requestsPerSecond)
        guard let shared else {
            self = .alone(local)
            return
        }
        // About 36 reservations a second at the full rate, across all instances.
        let block = max(1, requestsPerSecond / 36)
        self = .shared(
            SharedRateLimiter(local: local, block: block, logger: logger) { calls in
                try await shared(endpoint, calls, requestsPerSecond)
            })
    }

    func acquire() async {
        switch self {
        case .alone(let limiter): await limiter.acquire()
        case .shared(let limiter): await limiter.acquire()
        }
    }
}
