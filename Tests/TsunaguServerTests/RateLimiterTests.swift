import Testing
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
}
