import Foundation
import HTTPTypes
import LineSandbox
import Testing
import TsunaguCore
import TsunaguTesting

/// Answers to events LINE redelivers after Tsunagu was unreachable: the event keeps its own timestamp, and its
/// reply token works again for a minute only while the event is younger than 20 minutes. End to end, through the
/// real webhook, triage, outbox and libcurl, against the sandbox, on the real clock (the token's age is real time).
@Suite("Redelivered events")
struct RedeliveryTests {
    static func harness() throws -> ConversationHarness {
        try ConversationHarness(now: Int64(Date().timeIntervalSince1970 * 1000))
    }

    @Test("an event redelivered 30 minutes after it happened is answered by push, with no reply attempt, even when LINE's first answer is a 5xx")
    func deadTokenThroughServerError() async throws {
        let harness = try Self.harness()
        harness.sandbox.faults = SandboxFaults(serverErrorRate: 1, seed: 1)
        try await harness.run { phone in
            let status = try await phone.sendRedelivered(.follow(unblocked: false), from: "Uredelivered30", happenedAgo: 30 * 60)
            #expect(status == .ok)
            #expect(await eventually { phone.sandbox.injectedFaults >= 1 }, "LINE's first answer was not a 5xx")
            phone.sandbox.faults = SandboxFaults()
            let shown = await phone.waitForMessages(1, to: "Uredelivered30")
            #expect(!shown.isEmpty)
            #expect(phone.sandbox.deliveries(to: "Uredelivered30").allSatisfy { $0.method == .push })
            #expect(phone.sandbox.expiredReplyAttempts == 0, "a reply was tried with a dead token")
        }
    }

    @Test("an event redelivered 10 minutes after it happened is answered by reply: its token works again for a minute")
    func liveTokenIsReplied() async throws {
        let harness = try Self.harness()
        try await harness.run { phone in
            let status = try await phone.sendRedelivered(.follow(unblocked: false), from: "Uredelivered10", happenedAgo: 10 * 60)
            #expect(status == .ok)
            await phone.waitForMessages(1, to: "Uredelivered10")
            #expect(phone.sandbox.deliveries(to: "Uredelivered10").first?.method == .reply)
            #expect(phone.sandbox.expiredReplyAttempts == 0)
        }
    }
}
