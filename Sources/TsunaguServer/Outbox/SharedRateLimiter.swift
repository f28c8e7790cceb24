import Logging

/// Paces calls to one LINE endpoint under the channel's limit when several instances send at once: before a
/// call it takes a slot from a block of this second's calls, reserved from a budget every instance shares
/// (on PostgreSQL, ``TsunaguPostgres/PostgresRateBudget``), and reserves the next block when the slots are
/// spent or their second is over.
///
/// When the budget cannot be reached, the instance goes on under its own limit alone for a second and asks
/// again: a send must not stop because the count of sends cannot be kept.
actor SharedRateLimiter {
    /// Reserves `calls` of the shared budget; returns how long they may be used, or `nil` when this second's
    /// budget is spent.
    typealias Reserve = @Sendable (_ calls: Int) async throws -> Duration?

    private let local: RateLimiter
    private let reserve: Reserve
    private let block: Int
    private let logger: Logger
    /// How long the instance paces itself alone after the budget could not be reached, before asking again.
    private let aloneFor: Duration
    private var slots = 0
    private var usableUntil = ContinuousClock.now
    private var reserving: Task<Void, Never>?

    /// - Parameters:
    ///   - local: this instance's own pacing, which smooths its calls within the shared limit.
    ///   - block: how many calls each reservation asks for; smaller wastes less, larger costs fewer round trips.
    ///   - aloneFor: how long to go on alone when the budget cannot be reached (tests lengthen it, so that a slow
    ///     machine does not see the window close before the calls it is meant for).
    init(local: RateLimiter, block: Int, aloneFor: Duration = .seconds(1), logger: Logger, reserve: @escaping Reserve) {
        self.local = local
        self.block = block
        self.aloneFor = aloneFor
        self.logger = logger
        self.reserve = reserve
    }

    /// Waits until a call may be made.
    func acquire() async {
        await local.acquire()
        while true {
            if slots > 0, ContinuousClock.now < usableUntil {
                slots -= 1
                return
            }
            if let reserving {
                await reserving.value
                continue
            }
            let refill = Task { await self.refill() }
            reserving = refill
            await refill.value
        }
    }

    private func refill() async {
        defer { reserving = nil }
        do {
            if let usable = try await reserve(block) {
                slots = block
                usableUntil = ContinuousClock.now + usable
            } else {
                // This second is spent across the instances: try again shortly.
                try? await Task.sleep(for: .milliseconds(20))
            }
        } catch {
            logger.warning(
                "Could not reserve calls from the shared rate budget; pacing this instance alone for a second",
                metadata: ["error.type": "\(type(of: error))"])
            slots = block
            usableUntil = ContinuousClock.now + aloneFor
        }
    }
}
