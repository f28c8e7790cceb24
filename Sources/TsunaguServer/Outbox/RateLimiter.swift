import Synchronization

/// Paces calls to at most `ratePerSecond`, with bursts of at most `burst`: a token bucket.
///
/// LINE's limits are per channel and per endpoint (2,000 requests a second for reply and for push), so the
/// sender keeps one bucket per endpoint, a little under LINE's limit. A caller that finds the bucket empty
/// is given a slot in the future and waits for it, so waiting callers are served in arrival order.
final class RateLimiter: Sendable {
    private let interval: Duration
    private let burst: Int
    /// The time at which the next call may start if no burst credit is left.
    private let nextSlot = Mutex<ContinuousClock.Instant?>(nil)

    init(ratePerSecond: Int, burst: Int? = nil) {
        precondition(ratePerSecond > 0)
        self.interval = .seconds(1) / ratePerSecond
        self.burst = burst ?? max(1, ratePerSecond / 20)
    }

    /// Waits until a call may be made.
    func acquire() async {
        let now = ContinuousClock.now
        let slot = nextSlot.withLock { next -> ContinuousClock.Instant in
            // Unused time earns credit, but never more than `burst` calls' worth.
            let earliest = now - interval * burst
            let slot = max(next ?? earliest, earliest)
            next = slot + interval
            return slot
        }
        if slot > now { try? await Task.sleep(until: slot, clock: .continuous) }
    }
}
