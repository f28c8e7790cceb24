import Synchronization
import Testing
import TsunaguCore
import TsunaguSQLite
import TsunaguTesting

/// Which commits the ingress answers in the transaction that stores them, and which it leaves to the processor.
@Suite struct InlineAnsweringTests {
    /// `count` first messages from as many chats, in one append; returns the ids decided inline and those left pending.
    func append(_ count: Int) async throws -> (decided: Int, pending: Int) {
        let database = try SQLiteDatabase.inMemory(clock: RealTime.clock)
        let decided = Mutex(0)
        let inbox = SQLiteInboxStore(database: database) { _, _ in
            decided.withLock { $0 += 1 }
            return .nothing
        }
        let events = (0..<count).map { index in
            InboxEvent(
                eventID: "inline-\(index)", eventType: "message", occurredAt: 1, receivedAt: 2, sourceKind: .user,
                conversation: Pseudonym(rawValue: "chat-\(index)"), sealedEvent: [1])
        }
        #expect(try await inbox.append(events).allSatisfy { $0 == .stored })
        let pending = try await SQLiteTriageStore(database: database).pendingEvents(limit: 1000).count
        return (decided.withLock { $0 }, pending)
    }

    @Test("a commit as large as 32 busy connections make is answered as it is stored")
    func busyChannelIsAnsweredInline() async throws {
        let result = try await append(64)
        #expect(result.decided == 64 && result.pending == 0)
    }

    @Test("a burst larger than that is acknowledged at once and left to the processor")
    func burstIsLeftToTheProcessor() async throws {
        let result = try await append(65)
        #expect(result.decided == 0 && result.pending == 65)
    }
}
