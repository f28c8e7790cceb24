import Testing
import TsunaguCore

/// A generator that always answers the same value, so jitter is predictable in tests.
struct FixedRandom: RandomNumberGenerator {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}

@Suite("Outbox delivery policy")
struct DeliveryPolicyTests {
    let policy = DeliveryPolicy()
    var random = FixedRandom(value: .max)  // the top of every jitter range

    /// An entry decided at `now` for an event that happened and was received at `receivedAt` (nil: no token).
    func entry(receivedAt: Int64? = 0, at now: Int64 = 0) -> OutboxEntry {
        OutboxEntry(
            id: "e1", conversation: Pseudonym(rawValue: "c"), sequence: 1, retryKey: "k", createdAt: now,
            replyTokenUsableUntil: receivedAt.flatMap { policy.replyTokenUsableUntil(receivedAt: $0, occurredAt: $0, now: now) },
            nextAttemptAt: now, sealedPayload: [])
    }

    /// One row of the reply token's usable time: the event's own time, when it reached us, when it was decided.
    struct TokenCase: Sendable, CustomTestStringConvertible {
        var name: String
        var occurredAt: Int64
        var receivedAt: Int64 = 0
        var decidedAt: Int64 = 0
        var usableUntil: Int64?
        var testDescription: String { name }
    }

    static let minute: Int64 = 60_000

    @Test(
        "a reply token is usable until the earlier of a minute from its delivery and 20 minutes from the event, less 15 s",
        arguments: [
            TokenCase(name: "a first delivery", occurredAt: -300, usableUntil: 45_000),
            TokenCase(name: "redelivered 5 minutes after the event", occurredAt: -5 * minute, usableUntil: 45_000),
            TokenCase(name: "redelivered 19½ minutes after the event", occurredAt: -19 * minute - 30_000, usableUntil: 15_000),
            TokenCase(name: "redelivered 19 min 50 s after the event: inside the margin", occurredAt: -19 * minute - 50_000, usableUntil: nil),
            TokenCase(name: "redelivered 25 minutes after the event", occurredAt: -25 * minute, usableUntil: nil),
            TokenCase(name: "redelivered a day later", occurredAt: -24 * 60 * minute, usableUntil: nil),
            TokenCase(name: "decided after its usable time (a backlog)", occurredAt: 0, decidedAt: 45_000, usableUntil: nil),
            TokenCase(name: "decided late but inside it", occurredAt: 0, decidedAt: 44_999, usableUntil: 45_000),
            TokenCase(name: "LINE's clock ahead of ours", occurredAt: 30_000, usableUntil: 45_000),
            // A signed body may say anything: the arithmetic holds at the bounds rather than trapping the process.
            TokenCase(name: "a timestamp at Int64's top", occurredAt: .max, usableUntil: 45_000),
            TokenCase(name: "a timestamp at Int64's bottom", occurredAt: .min, usableUntil: nil),
        ])
    func usableUntil(_ row: TokenCase) {
        #expect(policy.replyTokenUsableUntil(receivedAt: row.receivedAt, occurredAt: row.occurredAt, now: row.decidedAt) == row.usableUntil)
    }

    /// One row of what an attempt comes to: the entry before (whether an earlier reply's outcome was lost), the
    /// route and outcome, when LINE's answer came, and what must follow.
    struct OutcomeCase: Sendable, CustomTestStringConvertible {
        enum Then: Sendable, Equatable { case delivered, reply, push, deadLetter }
        var name: String
        var earlierReplyUnknown = false
        var hasToken = true
        var route: DeliveryPolicy.Route
        var outcome: DeliveryPolicy.AttemptOutcome
        /// When LINE's answer came (the token of `entry()` is usable until 45 000).
        var answeredAt: Int64
        var then: Then
        var testDescription: String { name }
    }

    @Test(
        "every outcome of an attempt, and what follows it",
        arguments: [
            OutcomeCase(name: "a reply accepted", route: .reply, outcome: .accepted, answeredAt: 1_000, then: .delivered),
            OutcomeCase(name: "a push accepted", hasToken: false, route: .push, outcome: .accepted, answeredAt: 1_000, then: .delivered),
            OutcomeCase(
                name: "a push's retry key already accepted (409)", hasToken: false, route: .push, outcome: .alreadyAccepted, answeredAt: 1_000,
                then: .delivered),
            OutcomeCase(name: "a first reply told 'invalid token'", route: .reply, outcome: .replyTokenInvalid, answeredAt: 1_000, then: .push),
            OutcomeCase(
                name: "'invalid token' after a lost answer, while the token is certainly fresh: our reply used it", earlierReplyUnknown: true,
                route: .reply, outcome: .replyTokenInvalid, answeredAt: 44_999, then: .delivered),
            OutcomeCase(
                name: "'invalid token' after a lost answer, answered once the token may have expired: push", earlierReplyUnknown: true,
                route: .reply, outcome: .replyTokenInvalid, answeredAt: 45_000, then: .push),
            OutcomeCase(
                name: "'invalid token' after a lost answer on an entry with no usable time: push", earlierReplyUnknown: true, hasToken: false,
                route: .reply, outcome: .replyTokenInvalid, answeredAt: 1_000, then: .push),
            OutcomeCase(
                name: "a reply's answer lost while the token lasts: retried as a reply", route: .reply, outcome: .unknown, answeredAt: 1_000,
                then: .reply),
            OutcomeCase(
                name: "a reply's answer lost after the token's time: pushed", route: .reply, outcome: .unknown, answeredAt: 46_000, then: .push),
            OutcomeCase(
                name: "a reply's 5xx while the token lasts: retried as a reply", route: .reply,
                outcome: .retryable(retryAfterMs: nil, reason: "500"), answeredAt: 1_000, then: .reply),
            OutcomeCase(
                name: "a push's 5xx: pushed again", hasToken: false, route: .push, outcome: .retryable(retryAfterMs: nil, reason: "500"),
                answeredAt: 1_000, then: .push),
            OutcomeCase(
                name: "a reply's monthly quota 429: pushed later", route: .reply, outcome: .quotaExhausted(reason: "limit"), answeredAt: 1_000,
                then: .push),
            OutcomeCase(name: "another 4xx", route: .reply, outcome: .rejected(reason: "bad"), answeredAt: 1_000, then: .deadLetter),
        ])
    mutating func outcomes(_ row: OutcomeCase) {
        var before = entry(receivedAt: row.hasToken ? 0 : nil)
        before.replyOutcomeUnknown = row.earlierReplyUnknown
        let next = policy.next(after: row.outcome, of: before, by: row.route, now: row.answeredAt, using: &random)
        let then: OutcomeCase.Then =
            switch next.state {
            case .delivered: .delivered
            case .deadLettered: .deadLetter
            default: policy.route(for: next, now: next.nextAttemptAt) == .reply ? .reply : .push
            }
        #expect(then == row.then)
        #expect(next.attempts == 1)
    }

    @Test("a fresh reply token is used; within the safety margin or without a token, the entry is pushed")
    func route() {
        #expect(policy.route(for: entry(), now: 10_000) == .reply)
        #expect(policy.route(for: entry(), now: 44_999) == .reply)
        #expect(policy.route(for: entry(), now: 45_000) == .push, "60 s lifetime minus a 15 s margin")
        #expect(policy.route(for: entry(receivedAt: nil), now: 0) == .push)
    }

    @Test("accepted and already-accepted are delivered")
    mutating func delivered() {
        for outcome in [DeliveryPolicy.AttemptOutcome.accepted, .alreadyAccepted] {
            let next = policy.next(after: outcome, of: entry(), by: .push, now: 1, using: &random)
            #expect(next.state == .delivered && next.attempts == 1 && next.firstPushAt == 1)
        }
    }

    @Test("an invalid reply token on a first reply falls back to push at once")
    mutating func invalidTokenFallsBack() {
        let next = policy.next(after: .replyTokenInvalid, of: entry(), by: .reply, now: 5_000, using: &random)
        #expect(next.state == .pending && next.replyTokenUsableUntil == nil && next.nextAttemptAt == 5_000)
        #expect(policy.route(for: next, now: 5_000) == .push)
    }

    @Test("a reply whose answer was lost, retried and told 'invalid token', was delivered: no push, no duplicate")
    mutating func lostReplyAnswer() {
        let lost = policy.next(after: .unknown, of: entry(), by: .reply, now: 1_000, using: &random)
        #expect(lost.state == .pending && lost.replyOutcomeUnknown)
        #expect(policy.route(for: lost, now: lost.nextAttemptAt) == .reply, "retried as a reply while the token lasts")
        let retried = policy.next(after: .replyTokenInvalid, of: lost, by: .reply, now: lost.nextAttemptAt, using: &random)
        #expect(retried.state == .delivered)
    }

    @Test("retries back off exponentially with jitter, never sooner than Retry-After, capped")
    mutating func backoff() {
        var current = entry(receivedAt: nil)
        var delays: [Int64] = []
        for attempt in 0..<12 {
            let now = current.nextAttemptAt
            current = policy.next(after: .retryable(retryAfterMs: nil, reason: "500"), of: current, by: .push, now: now, using: &random)
            delays.append(current.nextAttemptAt - now)
            #expect(current.state == .pending && current.attempts == attempt + 1)
        }
        #expect(delays.prefix(4) == [500, 1_000, 2_000, 4_000])
        #expect(delays.last == 300_000)
        var low = FixedRandom(value: 0)
        let jittered = policy.next(after: .retryable(retryAfterMs: nil, reason: "500"), of: entry(receivedAt: nil), by: .push, now: 0, using: &low)
        #expect(jittered.nextAttemptAt == 250, "full jitter reaches half the ceiling")
        let honoured = policy.next(
            after: .retryable(retryAfterMs: 7_000, reason: "429"), of: entry(receivedAt: nil), by: .push, now: 0, using: &random)
        #expect(honoured.nextAttemptAt == 7_000 && honoured.lastError == "429")
        let absurd = policy.next(
            after: .retryable(retryAfterMs: .max, reason: "429"), of: entry(), by: .reply, now: 1_000, using: &random)
        #expect(absurd.nextAttemptAt == .max, "a Retry-After past the end of time waits, and does not trap")
    }

    @Test("a server error on a reply is retried as a reply while the token lasts")
    mutating func replyRetriedWhileFresh() {
        let next = policy.next(after: .retryable(retryAfterMs: nil, reason: "500"), of: entry(), by: .reply, now: 1_000, using: &random)
        #expect(policy.route(for: next, now: next.nextAttemptAt) == .reply)
    }

    @Test("other 4xx are dead letters with LINE's reason")
    mutating func rejected() {
        let next = policy.next(after: .rejected(reason: "The property 'to' is invalid"), of: entry(), by: .push, now: 0, using: &random)
        #expect(next.state == .deadLettered && next.lastError == "The property 'to' is invalid")
    }

    @Test("the monthly quota waits an hour and gives up the reply token")
    mutating func quota() {
        let next = policy.next(after: .quotaExhausted(reason: "monthly limit"), of: entry(), by: .reply, now: 0, using: &random)
        #expect(next.state == .pending && next.nextAttemptAt == 3_600_000 && next.replyTokenUsableUntil == nil)
    }

    @Test("pushes stop being retried before LINE forgets the retry key")
    mutating func retryKeyWindow() {
        var current = entry(receivedAt: nil)
        current = policy.next(after: .unknown, of: current, by: .push, now: 0, using: &random)
        #expect(current.firstPushAt == 0 && current.state == .pending)
        var now = current.nextAttemptAt
        while current.state == .pending {
            current = policy.next(after: .retryable(retryAfterMs: nil, reason: "503"), of: current, by: .push, now: now, using: &random)
            #expect(current.state == .deadLettered || current.nextAttemptAt < 23 * 3_600_000)
            now = current.nextAttemptAt
        }
        #expect(current.state == .deadLettered)
        #expect(current.lastError?.contains("retry key") == true)
    }
}
