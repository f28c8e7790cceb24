import Dispatch
import Synchronization
import Testing
import TsunaguTesting

@testable import TsunaguSQLite

@Suite("Group commit")
struct GroupCommitterTests {
    /// A writer of its own (a serial queue, like GRDB's) for committers under test.
    static func serialWriter() -> GroupCommitter<Void, Int, Int>.WriterAccess {
        let queue = DispatchQueue(label: "test-writer")
        return { body in queue.async { body(()) } }
    }

    @Test("callers that arrive during a flush share the next one, and each gets its own outcomes")
    func batchesConcurrentCallers() async throws {
        let batches = Locked<[[Int]]>([])
        let firstFlushMayEnd = DispatchSemaphore(value: 0)
        let committer = GroupCommitter<Void, Int, Int>(access: Self.serialWriter()) { _, items in
            let isFirst = batches.withLock { batches in
                batches.append(items)
                return batches.count == 1
            }
            if isFirst { firstFlushMayEnd.wait() }
            return items.map { $0 * 10 }
        }
        let callers = 40

        try await withThrowingTaskGroup(of: (Int, [Int]).self) { group in
            group.addTask { (0, try await committer.submit([0])) }
            // Each wait has a deadline of its own, as long as `eventually`'s: it only bounds a failure, and the whole
            // suite on two cores once took the ten seconds these two waits used to share.
            var deadline = ContinuousClock.now + .seconds(60)
            while batches.value.isEmpty && ContinuousClock.now < deadline { await Task.yield() }
            for caller in 1..<callers {
                group.addTask { (caller, try await committer.submit([caller, caller + 1000])) }
            }
            // Hold the first flush until every other caller is queued behind it.
            deadline = ContinuousClock.now + .seconds(60)
            while committer.queuedCallers < callers - 1 && ContinuousClock.now < deadline { await Task.yield() }
            #expect(committer.queuedCallers == callers - 1)
            firstFlushMayEnd.signal()
            for try await (caller, outcome) in group {
                #expect(outcome == (caller == 0 ? [0] : [caller * 10, (caller + 1000) * 10]))
            }
        }
        let recorded = batches.value
        #expect(recorded.joined().count == 1 + (callers - 1) * 2)
        #expect(recorded.count == 2, "the 39 queued callers should share one flush, got \(recorded.count - 1)")
    }

    @Test("a failed flush fails every caller of that batch, and the next batch still runs")
    func failureIsPerBatch() async throws {
        struct Boom: Error {}
        let calls = Locked(0)
        let committer = GroupCommitter<Void, Int, Int>(access: Self.serialWriter()) { _, items in
            let call = calls.withLock { value -> Int in
                value += 1
                return value
            }
            if call == 1 { throw Boom() }
            return items
        }
        await #expect(throws: Boom.self) { try await committer.submit([1]) }
        #expect(try await committer.submit([2]) == [2])
    }

    @Test("a batch never exceeds the item cap unless one caller alone is larger")
    func respectsCap() async throws {
        let sizes = Locked<[Int]>([])
        let committer = GroupCommitter<Void, Int, Int>(maxBatchItems: 5, access: Self.serialWriter()) { _, items in
            sizes.withLock { $0.append(items.count) }
            return items
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<30 { group.addTask { _ = try await committer.submit([caller, caller]) } }
            group.addTask { _ = try await committer.submit(Array(0..<7)) }
            try await group.waitForAll()
        }
        let recorded = sizes.value
        #expect(recorded.reduce(0, +) == 67)
        #expect(recorded.allSatisfy { $0 <= 5 || $0 == 7 })
    }
}
