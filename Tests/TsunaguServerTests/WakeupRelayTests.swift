import Logging
import Testing
import TsunaguPostgres
import TsunaguServer
import TsunaguTesting

/// Doorbells relayed between instances through PostgreSQL's LISTEN/NOTIFY: what lets a counsellor connected to
/// one instance hear at once of a case another instance queued.
@Suite("Wake-ups between instances")
struct WakeupRelayTests {
    @Test(
        "a ring on one instance rings the same bell on another, and not the other bells",
        .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
    func relaysOneTopic() async throws {
        let database = try await TestPostgres.makeDatabase()
        let first = WakeupRelay(wakeups: PostgresWakeups(database: database), logger: Logger(label: "first"))
        let second = WakeupRelay(wakeups: PostgresWakeups(database: database), logger: Logger(label: "second"))
        let running = [Task { try await first.run() }, Task { try await second.run() }]
        defer { for task in running { task.cancel() } }
        let feedThere = second.doorbell(for: .feed)
        let outboxThere = second.doorbell(for: .outbox)

        // A ring before the second instance listens is lost (as during a reconnect, when polling covers it): ring
        // until it is heard.
        var heard = false
        let deadline = ContinuousClock.now + .seconds(30)
        while !heard, ContinuousClock.now < deadline {
            first.doorbell(for: .feed).ring()
            heard = await feedThere.wait(upTo: .milliseconds(200))
        }
        #expect(heard, "the feed bell on the second instance never rang")
        #expect(await outboxThere.wait(upTo: .milliseconds(300)) == false, "only the topic rung travels")

        // And the other way round, for another topic.
        _ = first.doorbell(for: .outbox)  // Registered, so that the first instance rings it when it hears.
        second.doorbell(for: .outbox).ring()
        #expect(await first.doorbell(for: .outbox).wait(upTo: .seconds(30)))
    }
}
