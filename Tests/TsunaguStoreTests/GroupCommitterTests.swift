import Synchronization
import Testing
@testable import TsunaguStore

@Suite("Group commit")
struct GroupCommitterTests {
    /// A flush that waits until it is released, and records every batch it was given.
    final class GatedFlush: Sendable {
        let batches = Mutex<[[Int]]>([])
        let firstStarted: AsyncStream<Void>
        private let started: AsyncStream<Void>.Continuation
        let gate: AsyncStream<Void>
        private let release: AsyncStream<Void>.Continuation

        init() {
            (firstStarted, started) = AsyncStream.makeStream()
            (gate, release) = AsyncStream.makeStream()
        }

        func flush(_ items: [Int]) async -> [Int] {
            let isFirst = batches.withLock { batches in
                batches.append(items)
                return batches.count == 1
            }
            if isFirst {
                started.yield()
                for await _ in gate { break }
            }
            return items.map { $0 * 10 }
        }

        func open() { release.yield() }
    }

    @Test("callers that arrive during a flush share the next one, and each gets its own outcomes")
    func batchesConcurrentCallers() async throws {
        let gated = GatedFlush()
        let committer = GroupCommitter<Int, Int> { await gated.flush($0) }
        let callers = 40

        try await withThrowingTaskGroup(of: (Int, [Int]).self) { group in
            group.addTask { (0, try await committer.submit([0])) }
            // Hold the first flush until every other caller is queued behind it.
            for await _ in gated.firstStarted { break }
            for caller in 1..<callers {
                group.addTask { (caller, try await committer.submit([caller, caller + 1000])) }
            }
            let deadline = ContinuousClock.now + .seconds(10)
            // The leader's own entry left the queue with its batch, so a full queue holds every other caller.
            while committer.queuedCallers < callers - 1 && ContinuousClock.now < deadline { await Task.yield() }
            #expect(committer.queuedCallers == callers - 1)
            gated.open()
            for try await (caller, outcome) in group {
                #expect(outcome == (caller == 0 ? [0] : [caller * 10, (caller + 1000) * 10]))
            }
        }
        let batches = gated.batches.withLock { $0 }
        #expect(batches.joined().count == 1 + (callers - 1) * 2)
        #expect(batches.count < callers / 2, "expected shared flushes, got \(batches.count) for \(callers) callers")
    }

    @Test("a failed flush fails every caller of that batch, and the next batch still runs")
    func failureIsPerBatch() async throws {
        struct Boom: Error {}
        let calls = Mutex(0)
        let committer = GroupCommitter<Int, Int> { items in
            let call = calls.withLock { $0 += 1; return $0 }
            if call == 1 { throw Boom() }
            return items
        }
        await #expect(throws: Boom.self) { try await committer.submit([1]) }
        #expect(try await committer.submit([2]) == [2])
    }

    @Test("a batch never exceeds the item cap unless one caller alone is larger")
    func respectsCap() async throws {
        let sizes = Mutex<[Int]>([])
        let committer = GroupCommitter<Int, Int>(maxBatchItems: 5) { items in
            sizes.withLock { $0.append(items.count) }
            await Task.yield()
            return items
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<30 { group.addTask { _ = try await committer.submit([caller, caller]) } }
            group.addTask { _ = try await committer.submit(Array(0..<7)) }
            try await group.waitForAll()
        }
        let recorded = sizes.withLock { $0 }
        #expect(recorded.reduce(0, +) == 67)
        #expect(recorded.allSatisfy { $0 <= 5 || $0 == 7 })
    }
}
