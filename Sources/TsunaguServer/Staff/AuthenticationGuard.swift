public import Logging
import Synchronization
public import TsunaguCore

/// Watches the staff listener's failed authentications: each is logged (why, never the token), and past
/// ``budget`` failures in a minute the listener stops checking tokens it has not seen succeed, answering 429
/// until the minute is over.
///
/// One budget for the whole listener, not per address: behind the staff proxy every request comes from the
/// proxy. So that a flood of guesses cannot lock the office out, a token that authenticated in the last
/// ``rememberedFor`` still passes while the listener is limited (only its SHA-256 is kept, in memory).
public final class AuthenticationGuard: Sendable {
    /// Failed authentications allowed per ``window`` before the limit applies.
    public let budget: Int
    public static let window: Int64 = 60_000
    public static let rememberedFor: Int64 = 12 * 3_600_000
    private let logger: Logger
    private let clock: WallClock

    private struct State {
        var windowStart: Int64 = 0
        var failures = 0
        var limitLogged = false
        /// Token hashes that authenticated, and when they last did.
        var good: [[UInt8]: Int64] = [:]
    }
    private let state = Mutex(State())

    /// - Parameters:
    ///   - logger: where failures are logged (at warning, with no token or part of one).
    ///   - clock: the server's clock (tests move it).
    public init(budget: Int = 10, logger: Logger, clock: WallClock) {
        self.budget = budget
        self.logger = logger
        self.clock = clock
    }

    /// A guard that logs nowhere, for tests that do not look at it.
    public static func quiet(clock: WallClock) -> AuthenticationGuard {
        AuthenticationGuard(logger: Logger(label: "tsunagu.staff") { _ in SwiftLogNoOpLogHandler() }, clock: clock)
    }

    /// Whether a token with this hash may be checked now; `false` while limited, unless it succeeded recently.
    func mayCheck(tokenHash: [UInt8]) -> Bool {
        let time = clock.now()
        return state.withLock { state in
            roll(&state, at: time)
            guard state.failures >= budget else { return true }
            guard let last = state.good[tokenHash] else { return false }
            return time - last < Self.rememberedFor
        }
    }

    func succeeded(tokenHash: [UInt8]) {
        let time = clock.now()
        state.withLock { state in
            state.good[tokenHash] = time
            if state.good.count > 10_000 { state.good = state.good.filter { time - $0.value < Self.rememberedFor } }
        }
    }

    /// Logs a failed authentication: `reason` is `malformed`, `unknown` (both counted) or `limited` (refused
    /// unchecked).
    func failed(reason: String) {
        let time = clock.now()
        let (failures, newlyLimited) = state.withLock { state in
            roll(&state, at: time)
            if reason != "limited" { state.failures += 1 }
            let newlyLimited = state.failures >= budget && !state.limitLogged
            if newlyLimited { state.limitLogged = true }
            return (state.failures, newlyLimited)
        }
        logger.warning("Staff authentication failed", metadata: ["reason": "\(reason)", "failuresThisMinute": "\(failures)"])
        if newlyLimited {
            logger.error(
                "Too many failed staff authentications: only tokens that recently succeeded are checked until the minute is over",
                metadata: ["budget": "\(budget)"])
        }
    }

    /// Seconds until the limit lifts.
    func retryAfterSeconds() -> Int {
        let time = clock.now()
        return state.withLock { state in max(1, Int((state.windowStart + Self.window - time + 999) / 1000)) }
    }

    private func roll(_ state: inout State, at time: Int64) {
        if time - state.windowStart >= Self.window {
            state.windowStart = time
            state.failures = 0
            state.limitLogged = false
        }
    }
}
