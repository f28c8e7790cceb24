import Foundation
import Logging
import PostgresNIO
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguPostgres
import TsunaguTesting

/// What only the shared PostgreSQL store promises: several instances on one database.
@Suite("PostgreSQL store, several instances", .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
struct PostgresStoreTests {
    typealias Contract = OutboxStoreContract

    @Test("migrations run once, however many instances start together, and a second run applies nothing")
    func concurrentMigrations() async throws {
        let database = try await TestPostgres.makeDatabase(migrated: false)
        let instances = try (0..<5).map { _ in try SharedDatabase(location: database.location, poolSize: 2, clock: RealTime.clock) }
        for instance in instances { Task.detached { try await instance.run() } }
        let applied = try await withThrowingTaskGroup(of: [String].self) { group in
            for instance in instances { group.addTask { try await instance.migrate() } }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(applied.sorted() == SharedDatabase.migrationNames.sorted())  // Each once, by one of them.
        #expect(try await database.migrate() == [])
        #expect(try await database.isMigrated())
    }

    @Test("a send one instance has claimed is not offered to another until its lease lapses")
    func claimsAreExclusive() async throws {
        let database = try await TestPostgres.makeDatabase()
        let first = PostgresOutboxStore(database: database, instance: "first", lease: .seconds(10))
        let second = PostgresOutboxStore(database: database, instance: "second", lease: .seconds(10))
        _ = try await first.enqueue([Contract.new("a1", "A"), Contract.new("a2", "A"), Contract.new("b1", "B")])

        let taken = try await first.dueEntries(now: 0, limit: 1)
        #expect(taken.count == 1)
        let rest = try await second.dueEntries(now: 5_000, limit: 10)  // Its claims last until 15 000.
        #expect(Set(rest.map(\.id)) == Set(["a1", "b1"]).subtracting(taken.map(\.id)))
        #expect(try await first.dueEntries(now: 9_999, limit: 10).isEmpty)  // Both heads are held.

        // The first instance dies holding its claim; once the lease lapses the second takes the entry, and a
        // reply it may have made counts as possibly made.
        let lapsed = try await second.dueEntries(now: 10_000, limit: 10)
        #expect(lapsed.map(\.id) == taken.map(\.id))
        #expect(lapsed.allSatisfy { $0.replyOutcomeUnknown })
    }

    @Test("a late save from an instance whose claim lapsed does not undo the newer result")
    func staleSaveIsIgnored() async throws {
        let database = try await TestPostgres.makeDatabase()
        let first = PostgresOutboxStore(database: database, instance: "first", lease: .seconds(10))
        let second = PostgresOutboxStore(database: database, instance: "second", lease: .seconds(10))
        _ = try await first.enqueue([Contract.new("a1", "A"), Contract.new("a2", "A")])
        var late = try #require(try await first.dueEntries(now: 0, limit: 10).first)
        var newer = try #require(try await second.dueEntries(now: 10_000, limit: 10).first)
        newer.state = .delivered
        try await second.update([newer], countingPushes: 1, in: "2026-11")
        late.attempts = 1
        late.nextAttemptAt = 20_000
        try await first.update([late], countingPushes: 0, in: "2026-11")
        #expect(try await first.counts().byState["delivered"] == 1)
        #expect(try await second.dueEntries(now: 10_000, limit: 10).map(\.id) == ["a2"])
    }

    @Test("two instances draining one outbox send each entry once, and each chat's entries in order")
    func sharedDraining() async throws {
        let database = try await TestPostgres.makeDatabase()
        let stores = ["first", "second", "third"].map { PostgresOutboxStore(database: database, instance: $0) }
        let chats = 12
        let perChat = 6
        var entries: [NewOutboxEntry] = []
        for index in 0..<perChat { for chat in 0..<chats { entries.append(Contract.new("c\(chat)-\(index)", "C\(chat)")) } }
        _ = try await stores[0].enqueue(entries)

        let log = Locked<[(instance: String, id: String)]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores {
                group.addTask {
                    var idle = 0
                    while idle < 3 {
                        let due = try await store.dueEntries(now: 0, limit: 4)
                        if due.isEmpty {
                            idle += 1
                            await Task.yield()
                            continue
                        }
                        idle = 0
                        for var entry in due {
                            log.withLock { $0.append((store.instance, entry.id)) }
                            entry.state = .delivered
                            try await store.update([entry], countingPushes: 1, in: "2026-11")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let sent = log.withLock { $0 }
        #expect(sent.count == chats * perChat)
        #expect(Set(sent.map(\.id)).count == chats * perChat)
        for chat in 0..<chats {
            let order = sent.map(\.id).filter { $0.hasPrefix("c\(chat)-") }
            #expect(order == (0..<perChat).map { "c\(chat)-\($0)" })
        }
        #expect(try await stores[1].counts().pushesByMonth["2026-11"] == chats * perChat)
    }

    @Test("delivered, withheld and dead-lettered entries lose their sealed payload")
    func payloadLifetime() async throws {
        let database = try await TestPostgres.makeDatabase()
        let store = PostgresOutboxStore(database: database, instance: "only")
        _ = try await store.enqueue([Contract.new("a1", "A"), Contract.new("b1", "B"), Contract.new("c1", "C")])
        let due = try await store.dueEntries(now: 0, limit: 10)
        var delivered = try #require(due.first { $0.id == "a1" })
        delivered.state = .delivered
        var dead = try #require(due.first { $0.id == "b1" })
        dead.state = .deadLettered
        try await store.update([delivered, dead], countingPushes: 0, in: "2026-11")
        _ = try await store.withholdPending(for: Pseudonym(rawValue: "C"))
        var kept: [String: Bool] = [:]
        for try await (id, hasPayload) in try await database.client.query(
            "SELECT id, sealed_payload IS NOT NULL FROM outbox_entry"
        ).decode((String, Bool).self) {
            kept[id] = hasPayload
        }
        #expect(kept == ["a1": false, "b1": false, "c1": false])
    }

    @Test("three instances processing one inbox decide each event once, each chat's events in order, chats in parallel")
    func sharedProcessing() async throws {
        let database = try await TestPostgres.makeDatabase()
        let inbox = PostgresInboxStore(database: database)
        let chats = 8
        let perChat = 6
        var events: [InboxEvent] = []
        for index in 0..<perChat {
            for chat in 0..<chats { events += [InboxStoreContract.event("c\(chat)-\(index)", conversation: "C\(chat)", at: Int64(index))] }
        }
        _ = try await inbox.append(events)

        // Each decision is logged with what it saw: the count of her events decided before it.
        let decided = Locked<[(id: String, seenBefore: Int)]>([])
        let decide: @Sendable (InboxEvent, TriageSnapshot) throws -> TriageCommit = { event, snapshot in
            decided.withLock { $0.append((event.eventID, snapshot.conversation?.unansweredPrompts ?? 0)) }
            return TriageStoreContract.counting(event, snapshot)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for instance in 0..<3 {
                let triage = PostgresTriageStore(database: database)
                group.addTask {
                    // Each instance takes the pending events in a shuffled order of its own: the store, not the
                    // caller's list, must keep her events in order.
                    var generator = SeededGenerator(seed: UInt64(instance + 1))
                    while true {
                        let pending = try await triage.pendingEvents(limit: 12)
                        if pending.isEmpty { return }
                        _ = try await triage.process(pending.shuffled(using: &generator), decide: decide)
                    }
                }
            }
            try await group.waitForAll()
        }
        let log = decided.value
        #expect(log.count == chats * perChat)  // A decision is logged only when it was going to be committed.
        #expect(Set(log.map(\.id)).count == chats * perChat)
        for entry in log {
            // Her n-th event saw exactly the n events before it: processed once each, and in order.
            #expect(entry.id.hasSuffix("-\(entry.seenBefore)"), "\(entry.id) saw \(entry.seenBefore) earlier events")
        }
        #expect(try await inbox.counts() == InboxCounts(stored: chats * perChat, duplicates: 0, pending: 0, processed: chats * perChat))
    }

    @Test("triage does not queue behind a conversation another instance holds: it answers the other chats and comes back")
    func busyConversationIsLeftForLater() async throws {
        // Another instance is at work on her conversation: it holds the conversation's lock.
        let (triage, other) = try await Self.heldAndFree(holding: PostgresTriageStore.conversationLockNamespace)
        let whileHeld = try await triage.process(try await triage.pendingEvents(limit: 10), decide: TriageStoreContract.counting)
        #expect(whileHeld.processed == 1 && whileHeld.failed.isEmpty, "the free chat is answered, the held one left pending")
        #expect(try await triage.pendingEvents(limit: 10).map(\.eventID) == ["held-0"])
        try await Self.release(other, holding: PostgresTriageStore.conversationLockNamespace)
        let afterwards = try await triage.process(try await triage.pendingEvents(limit: 10), decide: TriageStoreContract.counting)
        #expect(afterwards.processed == 1)
        #expect(try await triage.pendingEvents(limit: 10).isEmpty)
    }

    @Test("a conversation whose writes the database refuses holds back no other, and stays pending")
    func refusedConversationHoldsBackNoOther() async throws {
        let database = try await TestPostgres.makeDatabase()
        let names = ["A", "B", "C", "REFUSED", "X", "Y"]
        _ = try await PostgresInboxStore(database: database).append(
            names.map { InboxStoreContract.event("\($0.lowercased())-0", conversation: $0, at: 0) })
        // The database refuses any write of one conversation, as a full disk or a broken row might.
        try await database.client.query(
            """
            CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.pseudonym = 'REFUSED' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$
            """)
        try await database.client.query(
            "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON conversation FOR EACH ROW EXECUTE FUNCTION refuse()")
        let triage = PostgresTriageStore(database: database)
        let result = try await triage.process(try await triage.pendingEvents(limit: 10), decide: TriageStoreContract.counting)
        #expect(result.processed == names.count - 1 && result.failed == ["refused-0"], "\(result)")
        #expect(try await triage.pendingEvents(limit: 10).map(\.eventID) == ["refused-0"])
    }

    @Test("an answer does not wait for her outbox numbering, which another transaction holds: the others are answered")
    func heldNumberingIsLeftForLater() async throws {
        // Another transaction (an announcement to every recipient, say) is numbering her outbox entries.
        let (triage, other) = try await Self.heldAndFree(holding: PostgresOutboxStore.sequenceLockNamespace)
        let whileHeld = Locked<TriageBatchResult?>(nil)
        let processing = Task {
            let result = try await triage.process(try await triage.pendingEvents(limit: 10), decide: TriageStoreContract.counting)
            whileHeld.withLock { $0 = result }
        }
        let finished = await eventually(within: .seconds(30)) { whileHeld.value != nil }
        // Releases the lock, so that a process that waited for it ends too.
        try await Self.release(other, holding: PostgresOutboxStore.sequenceLockNamespace)
        try await processing.value
        #expect(finished, "the batch waited for the numbering lock")
        #expect(whileHeld.value?.processed == 1 && whileHeld.value?.failed.isEmpty == true, "\(String(describing: whileHeld.value))")
        let afterwards = try await triage.process(try await triage.pendingEvents(limit: 10), decide: TriageStoreContract.counting)
        #expect(afterwards.processed == (finished ? 1 : 0))
        #expect(try await triage.pendingEvents(limit: 10).isEmpty)
    }

    /// A new database with one event from HELD and one from FREE, and another connection holding HELD's lock in
    /// `namespace` (close it to release the lock).
    static func heldAndFree(holding namespace: Int32) async throws -> (PostgresTriageStore, PostgresConnection) {
        let database = try await TestPostgres.makeDatabase()
        _ = try await PostgresInboxStore(database: database).append([
            InboxStoreContract.event("held-0", conversation: "HELD", at: 0), InboxStoreContract.event("free-0", conversation: "FREE", at: 0),
        ])
        let other = try await PostgresConnection.connect(
            configuration: try database.location.connectionConfiguration(), id: 9, logger: Logger(label: "test"))
        try await other.query("SELECT pg_advisory_lock(\(namespace), hashtext('HELD'))", logger: Logger(label: "test"))
        return (PostgresTriageStore(database: database), other)
    }

    @Test("a damaged row of one of her past cases does not hold back her events")
    func damagedPastCaseHoldsNothingBack() async throws {
        let database = try await TestPostgres.makeDatabase()
        let state = try Conversation(state: .topic, currentCase: CaseRecord(id: "case-now", openedAt: 10), hasConsented: true).storedState()
        try await database.client.query("INSERT INTO conversation (pseudonym, state, updated_at) VALUES ('HER', \(state), 0)")
        try await database.client.query(
            """
            INSERT INTO triage_case (id, handle, conversation, opened_at, priority, closed_at)
            VALUES ('case-old', 'OLD1', 'HER', 1, 'not-a-priority', 5), ('case-now', 'NOW1', 'HER', 10, NULL, NULL)
            """)
        _ = try await PostgresInboxStore(database: database).append([InboxStoreContract.event("her-0", conversation: "HER", at: 20)])
        let triage = PostgresTriageStore(database: database)
        let seen = Locked<Conversation?>(nil)
        let result = try await triage.process(try await triage.pendingEvents(limit: 10)) { _, snapshot in
            seen.withLock { $0 = snapshot.conversation }
            return .nothing
        }
        #expect(result.processed == 1 && result.failed.isEmpty, "\(result)")
        #expect(seen.value?.currentCase?.id == "case-now" && seen.value?.state == .topic, "\(String(describing: seen.value))")
    }

    /// Releases HELD's lock in `namespace` on `other` and closes it. The lock goes when `pg_advisory_unlock` returns;
    /// closing alone would release it only once the server has noticed, a moment after `close()` returns.
    static func release(_ other: PostgresConnection, holding namespace: Int32) async throws {
        try await other.query("SELECT pg_advisory_unlock(\(namespace), hashtext('HELD'))", logger: Logger(label: "test"))
        try await other.close()
    }

    @Test("a reader of the live feed misses no event, whatever order concurrent writers commit in")
    func feedMissesNothing() async throws {
        let database = try await TestPostgres.makeDatabase(poolSize: 12)
        let feed = PostgresCaseStore(database: database)
        let writers = 4
        let perWriter = 25
        let reader = Task {
            var cursor: Int64 = 0
            var seen: [String] = []
            let deadline = ContinuousClock.now + .seconds(60)
            while seen.count < writers * perWriter, ContinuousClock.now < deadline {
                let events = try await feed.events(after: cursor, limit: 7)
                seen += events.map(\.handle)
                cursor = events.last?.id ?? cursor
            }
            return seen
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var generator = SeededGenerator(seed: UInt64(writer + 1))
                    for index in 0..<perWriter {
                        let pause = Int.random(in: 0...4, using: &generator)
                        try await database.client.withTransaction(logger: Logger(label: "test")) { connection in
                            try await connection.query(
                                "INSERT INTO staff_event (at, kind, handle) VALUES (0, 'queued', \("W\(writer)-\(index)"))",
                                logger: Logger(label: "test"))
                            // Commit late now and then, so that rows inserted later commit earlier.
                            try await Task.sleep(for: .milliseconds(pause))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seen = try await reader.value
        #expect(seen.count == writers * perWriter && Set(seen).count == seen.count, "\(seen.count) read, \(Set(seen).count) distinct")
    }

    @Test("three instances changing staff at once write one unbroken audit chain; rewriting an entry is detected")
    func auditChainAcrossInstances() async throws {
        let first = try await TestPostgres.makeDatabase()
        let instances =
            [first]
            + (try (0..<2).map { _ in
                try SharedDatabase(location: first.location, poolSize: 4, clock: RealTime.clock).chained(with: AuditForgery.testChain)
            })
        for instance in instances.dropFirst() { Task.detached { try await instance.run() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (number, instance) in instances.enumerated() {
                let staff = PostgresStaffStore(database: instance)
                for index in 0..<10 {
                    group.addTask {
                        let name = "member\(number)-\(index)"
                        _ = try await staff.add(name: name, role: .counsellor, tokenHash: Array("\(name)-token".utf8), by: "operator")
                    }
                }
            }
            try await group.waitForAll()
        }
        let log = PostgresAuditLog(database: instances[2])
        #expect(try await log.entries().map(\.sequence) == Array(1...30))
        #expect(try await log.verify() == AuditVerification(entries: 30, firstBroken: nil))

        try await first.client.query("UPDATE audit_log SET detail = 'member0-0 as admin' WHERE sequence = 7")
        #expect(try await log.verify().firstBroken == 7)
    }

    @Test("entries from before the chain was keyed verify the old way; a keyed entry rechained without the key does not")
    func keyedChainAfterUpgrade() async throws {
        let database = try await TestPostgres.makeDatabase()
        // A log written by an earlier version: two unkeyed entries (chain_version 1, the migration's default).
        for entry in AuditForgery.unkeyedEntries(["staff.add", "staff.revoke"]) {
            try await database.client.query(
                """
                INSERT INTO audit_log (sequence, at, actor, action, hash)
                VALUES (\(entry.sequence), \(entry.at), \(entry.actor), \(entry.action), \(entry.hash))
                """)
        }
        _ = try await PostgresStaffStore(database: database).add(name: "sato", role: .counsellor, tokenHash: Array("t".utf8), by: "operator")
        _ = try await PostgresStaffStore(database: database).add(name: "suzuki", role: .counsellor, tokenHash: Array("u".utf8), by: "operator")
        let log = PostgresAuditLog(database: database)
        #expect(try await log.entries().map(\.version) == [.unkeyed, .unkeyed, .keyed, .keyed])
        #expect(try await log.verify() == AuditVerification(entries: 4, firstBroken: nil, unkeyedEntries: 2))

        // Someone without the key rewrites the last entry and recomputes the chain, keyed or passed off as old
        // (the whole keyed tail passed off as old is caught only against a saved head: `audit --verify --expect-head`).
        for version in AuditChain.Version.allCases {
            var entries = try await log.entries()
            entries[3].detail = "suzuki as admin"
            let forged = AuditForgery.rechained(entries, from: 4, as: version)[3]
            try await database.client.query(
                "UPDATE audit_log SET detail = \(forged.detail), hash = \(forged.hash), chain_version = \(forged.chainVersion) WHERE sequence = 4")
            #expect(try await log.verify().firstBroken == 4, "rechained as \(version)")
        }
    }

    @Test("serving instances share the serving lock; a command that must run alone gets it only when none serves, and then no instance starts")
    func servingLock() async throws {
        let location = try await TestPostgres.makeDatabase().location
        let logger = Logger(label: "test")
        let first = try #require(try await PostgresServingLock.serving(location, logger: logger))
        let second = try #require(try await PostgresServingLock.serving(location, logger: logger), "instances serve side by side")
        #expect(try await PostgresServingLock.alone(location, logger: logger) == nil)
        await first.release()
        #expect(try await PostgresServingLock.alone(location, logger: logger) == nil, "one instance still serves")
        await second.release()
        let rotation = try #require(try await PostgresServingLock.alone(location, logger: logger))
        #expect(try await PostgresServingLock.serving(location, logger: logger) == nil, "no instance starts during a rotation")
        await rotation.release()
    }

    @Test("an announcement on one instance wakes a listener on another, carrying only its topic")
    func wakeupsCrossInstances() async throws {
        let first = try await TestPostgres.makeDatabase()
        let second = try SharedDatabase(location: first.location, poolSize: 2, clock: RealTime.clock)
        Task.detached { try await second.run() }
        let heard = Locked<[PostgresWakeups.Topic]>([])
        let listener = Task { try await PostgresWakeups(database: second).listen { topic in heard.withLock { $0.append(topic) } } }
        defer { listener.cancel() }
        // The listener starts listening at some moment: announce until it is heard.
        let announcer = PostgresWakeups(database: first)
        #expect(
            await eventually(within: .seconds(10), every: .milliseconds(50)) {
                try? await announcer.announce(.outbox)
                return heard.value.contains(.outbox)
            })
        try await announcer.announce(.feed)
        #expect(await eventually { heard.value.contains(.feed) })
        #expect(!heard.value.contains(.inbox))
    }

    @Test("a periodic job is claimed by exactly one of many instances per period")
    func jobsRunOnce() async throws {
        let database = try await TestPostgres.makeDatabase()
        let instances = (0..<6).map { PostgresJobSchedule(database: database, instance: "instance-\($0)") }
        func claims(at now: Int64) async throws -> Int {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for schedule in instances { group.addTask { try await schedule.claim("retention", every: .seconds(60), now: now) } }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
        }
        #expect(try await claims(at: 1_000_000) == 1)  // The first run ever.
        #expect(try await claims(at: 1_030_000) == 0)  // Half a period later.
        #expect(try await claims(at: 1_060_000) == 1)  // A period later, once again.
        #expect(try await instances[0].claim("forget-feed", every: .seconds(60), now: 1_060_000))  // Jobs are apart.
    }

    @Test("the shared rate budget never grants more than the limit in one second, whichever instances ask")
    func rateBudget() async throws {
        let database = try await TestPostgres.makeDatabase()
        let instances = (0..<3).map { _ in PostgresRateBudget(database: database) }
        let grants = try await withThrowingTaskGroup(of: [PostgresRateBudget.Grant].self) { group in
            for budget in instances {
                group.addTask {
                    var granted: [PostgresRateBudget.Grant] = []
                    for _ in 0..<40 {
                        if let grant = try await budget.reserve(10, of: 100, for: "push") { granted.append(grant) }
                    }
                    return granted
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let callsPerSecond = Dictionary(grouping: grants, by: \.second).mapValues { $0.count * 10 }
        #expect(callsPerSecond.values.allSatisfy { $0 <= 100 }, "\(callsPerSecond)")
        #expect(callsPerSecond.values.max() == 100, "1,200 calls asked for: some second is full")
        #expect(grants.allSatisfy { $0.remaining <= .seconds(1) })
        // Each endpoint has a budget of its own.
        #expect(try await instances[0].reserve(100, of: 100, for: "reply") != nil)
    }
}
