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

    func entry(receivedAt: Int64? = 0, at now: Int64 = 0) -> OutboxEntry {
        OutboxEntry(
            id: "e1", conversation: Pseudonym(rawValue: "c"), sequence: 1, retryKey: "k", createdAt: now,
            replyTokenUsableUntil: receivedAt.map(policy.replyTokenUsableUntil(receivedAt:)), nextAttemptAt: now,
            sealedPayload: [])
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
