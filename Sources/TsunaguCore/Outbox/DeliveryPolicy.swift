/// How the outbox delivers an entry: by reply or by push, and what to do after each attempt.
///
/// A pure value: time comes in as milliseconds, randomness (for jitter) as a generator, so every rule is
/// tested without a clock or a network. Rules, from LINE-PLATFORM.md:
/// - a reply token is single-use and lives about a minute from its delivery, but a redelivered event's token
///   dies 20 minutes after the event itself (its `timestamp`, unchanged on redelivery), however fresh the
///   redelivery: it is used only while both hold (less a safety margin), otherwise the entry goes by push with
///   its stable retry key, without a reply attempt;
/// - "Invalid reply token" means used *or* expired, and LINE does not say which: it counts as our own earlier
///   reply having gone through only when the token was certainly still fresh when LINE refused it; otherwise
///   the entry is pushed (a possible duplicate is better than a lost answer);
/// - 409 on a push means LINE already accepted that retry key: delivered;
/// - 429 and 5xx and transport failures are retried with exponential backoff and full jitter, never sooner
///   than `Retry-After`; the monthly-quota 429 waits longer; other 4xx are dead letters;
/// - pushes stop being retried before LINE forgets the retry key (24 hours after the first push), because a
///   retry after that could show the message twice.
public struct DeliveryPolicy: Sendable {
    /// Subtracted from a reply token's lifetime before it is considered unusable.
    public var replyTokenSafetyMarginMs: Int64 = 15_000
    /// LINE's reply token lifetime, from the (re)delivery that carried it.
    public var replyTokenLifetimeMs: Int64 = 60_000
    /// How long after the event itself a redelivered event's token still works (LINE: 20 minutes).
    public var redeliveredTokenWindowMs: Int64 = 20 * 60_000
    public var baseBackoffMs: Int64 = 500
    public var maxBackoffMs: Int64 = 300_000
    /// How long to wait after the monthly message quota is reached before trying again.
    public var quotaBackoffMs: Int64 = 3_600_000
    /// Pushes are not retried this long after the first push (LINE keeps retry keys 24 hours).
    public var retryKeyWindowMs: Int64 = 23 * 3_600_000

    public init() {}

    /// Until when the reply token of an event that happened at `occurredAt` (LINE's `timestamp`) and reached us
    /// at `receivedAt` may be used: the earlier of the two ends LINE documents, less the safety margin; `nil`
    /// when that is not after `now`, so the entry goes by push at once, without a reply LINE would refuse.
    public func replyTokenUsableUntil(receivedAt: Int64, occurredAt: Int64, now: Int64) -> Int64? {
        let end = min(receivedAt + replyTokenLifetimeMs, Self.adding(occurredAt, redeliveredTokenWindowMs)) - replyTokenSafetyMarginMs
        return end > now ? end : nil
    }

    /// `a + b`, held at the bounds instead of trapping: times here come from outside (an event's `timestamp`, a
    /// `Retry-After`), and one absurd value must cost its own entry an early push or a long wait, not the process.
    static func adding(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    public enum Route: Sendable, Equatable {
        case reply
        case push
    }

    /// How to attempt `entry` now.
    public func route(for entry: OutboxEntry, now: Int64) -> Route {
        if let until = entry.replyTokenUsableUntil, now < until { return .reply }
        return .push
    }

    /// What an attempt came to.
    public enum AttemptOutcome: Sendable, Equatable {
        /// LINE accepted it (200).
        case accepted
        /// A push whose retry key LINE had already accepted (409).
        case alreadyAccepted
        /// A reply refused with "Invalid reply token" (used or expired; LINE does not say which).
        case replyTokenInvalid
        /// No answer (timeout, connection lost): the request may or may not have been acted on.
        case unknown
        /// Worth retrying: 5xx, or a rate-limit 429, with LINE's `Retry-After` in milliseconds if sent.
        case retryable(retryAfterMs: Int64?, reason: String)
        /// 429 because the plan's monthly allowance is used up.
        case quotaExhausted(reason: String)
        /// Refused for good (another 4xx).
        case rejected(reason: String)
    }

    /// The entry after an attempt made by `route` at `now` ended in `outcome`.
    public func next(
        after outcome: AttemptOutcome, of entry: OutboxEntry, by route: Route, now: Int64,
        using random: inout some RandomNumberGenerator
    ) -> OutboxEntry {
        var entry = entry
        entry.attempts += 1
        if route == .push, entry.firstPushAt == nil { entry.firstPushAt = now }
        switch outcome {
        case .accepted, .alreadyAccepted:
            entry.state = .delivered
            entry.lastError = nil
        case .replyTokenInvalid:
            if entry.replyOutcomeUnknown, let until = entry.replyTokenUsableUntil, now < until {
                // LINE refused a token that was still fresh when it answered, so the token was used, and only our
                // earlier reply (whose answer was lost) held it.
                entry.state = .delivered
                entry.lastError = nil
            } else {
                // Expired, or never ours to spend: push, with the retry key (an earlier reply may have been shown,
                // and then she sees it twice; that is better than never).
                entry.replyTokenUsableUntil = nil
                entry.nextAttemptAt = now
            }
        case .unknown:
            // A reply may have gone through. If it is retried while the token lasts, "Invalid reply token"
            // then means it did; if the token runs out first, the entry is pushed, and she may see it twice:
            // a duplicate is better than a lost message.
            if route == .reply { entry.replyOutcomeUnknown = true }
            retry(&entry, now: now, retryAfterMs: nil, reason: "No answer from LINE", using: &random)
        case .retryable(let retryAfterMs, let reason):
            // LINE executes nothing on an error answer, so a reply is retried as a reply while its token
            // lasts (replies are free; pushes count against the plan).
            retry(&entry, now: now, retryAfterMs: retryAfterMs, reason: reason, using: &random)
        case .quotaExhausted(let reason):
            entry.replyTokenUsableUntil = nil
            retry(&entry, now: now, retryAfterMs: quotaBackoffMs, reason: reason, using: &random)
        case .rejected(let reason):
            // Refused for its content: a push of the same messages would be refused too.
            entry.state = .deadLettered
            entry.lastError = reason
        }
        return entry
    }

    private func retry(
        _ entry: inout OutboxEntry, now: Int64, retryAfterMs: Int64?, reason: String,
        using random: inout some RandomNumberGenerator
    ) {
        entry.lastError = reason
        let exponent = min(entry.attempts - 1, 20)
        let ceiling = min(maxBackoffMs, baseBackoffMs << exponent)
        // Full jitter in [ceiling/2, ceiling], from one draw (no rejection sampling, so any generator works).
        let fraction = Double(random.next() >> 11) / Double((UInt64(1) << 53) - 1)
        let jittered = ceiling / 2 + Int64(fraction * Double(ceiling - ceiling / 2))
        let delay = max(jittered, retryAfterMs ?? 0)
        let next = Self.adding(now, delay)
        if let firstPush = entry.firstPushAt, next >= firstPush + retryKeyWindowMs {
            entry.state = .deadLettered
            entry.lastError = "Retries ran out before LINE would forget the retry key: \(reason)"
            return
        }
        entry.nextAttemptAt = next
    }
}
