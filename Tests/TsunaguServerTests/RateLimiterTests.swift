import Logging
import Testing
import TsunaguTesting

@testable import TsunaguServer

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test("after its burst, calls are spaced to the rate")
    func paces() async {
        let limiter = RateLimiter(ratePerSecond: 200, burst: 5)  // 5 ms apart after 5 free calls
        let start = ContinuousClock.now
        for _ in 0..<45 { await limiter.acquire() }
        // 45 calls with 5 of burst need at least 40 intervals of 5 ms.
        #expect(ContinuousClock.now - start >= .milliseconds(195))
    }

    @Test("concurrent callers share the rate")
    func concurrent() async {
        let limiter = RateLimiter(ratePerSecond: 400, burst: 1)
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<41 { group.addTask { await limiter.acquire() } }
        }
        #expect(ContinuousClock.now - start >= .milliseconds(95), "40 intervals of 2.5 ms")
    }

    @Test("a shared limiter spends each reserved block before it reserves another, and goes on when the budget fails")
    func sharedBlocks() async {
        struct Unreachable: Error {}
        let reservations = Locked(0)
        // Every window is a minute long, so that however slowly a loaded machine runs the 25 calls, no block expires.
        let limiter = SharedRateLimiter(
            local: RateLimiter(ratePerSecond: 100_000), block: 10, aloneFor: .seconds(60), logger: Logger(label: "test")
        ) { calls in
            #expect(calls == 10)
            let count = reservations.withLock { count in
                count += 1
                return count
            }
            if count == 2 { return nil }  // That second was spent by other instances: ask again.
            if count == 4 { throw Unreachable() }
            return .seconds(60)
        }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<25 { group.addTask { await limiter.acquire() } }
        }
        #expect(reservations.value == 4, "blocks of 10 for 25 calls, after one refusal; the failure still lets calls go")
    }

    @Test("a reserved block is not used after its second")
    func blocksExpire() async {
        let reservations = Locked(0)
        let limiter = SharedRateLimiter(local: RateLimiter(ratePerSecond: 100_000), block: 10, logger: Logger(label: "test")) { _ in
            let count = reservations.withLock { count in
                count += 1
                return count
            }
            return count == 1 ? .zero : .seconds(5)  // The first block came at its second's very end.
        }
        await limiter.acquire()
        #expect(reservations.value == 2, "the spent second's block is not used: the call waits for the next block")
    }
}
