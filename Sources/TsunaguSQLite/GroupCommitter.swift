import Synchronization

/// Joins concurrent writes into shared transactions, so that durability costs one sync per batch instead of
/// one per request.
///
/// Callers ``submit(_:)`` items and wait. The first caller to find no drain running starts one on the
/// *writer* — for SQLite, GRDB's serial writer queue, a thread of its own. The drain takes everything queued
/// so far, writes it with one call to `flush` (one transaction), resumes each caller of the batch with its
/// own outcomes, and repeats until the queue is empty. Callers arriving during a flush join the next batch.
///
/// Why the drain runs on the writer and not in a task: a task that awaits the write has to be rescheduled
/// on Swift's cooperative pool after every commit, behind every request waiting there; under load that
/// wait, not the commit, dominated. Here nothing on the commit path waits for the pool.
///
/// - Invariant: each waiter is resumed exactly once, by the drain whose batch held it; at most one drain
///   runs at a time, guarded by `draining`.
final class GroupCommitter<Context, Item: Sendable, Outcome: Sendable>: Sendable {
    /// Runs `body` on the writer with its context (e.g. the database connection), off the cooperative pool.
    typealias WriterAccess = @Sendable (_ body: @escaping @Sendable (Context) -> Void) -> Void
    /// Writes a batch durably in one transaction; returns one outcome per item, in order.
    typealias Flush = @Sendable (Context, [Item]) throws -> [Outcome]

    private struct Waiter: Sendable {
        let items: [Item]
        let continuation: CheckedContinuation<[Outcome], any Error>
    }

    private struct State: Sendable {
        var queue: [Waiter] = []
        var draining = false
    }

    private let state = Mutex(State())
    private let maxBatchItems: Int
    private let access: WriterAccess
    private let flush: Flush

    /// - Parameter maxBatchItems: the most items one transaction takes (one caller's items are never split).
    init(maxBatchItems: Int = 4096, access: @escaping WriterAccess, flush: @escaping Flush) {
        self.maxBatchItems = maxBatchItems
        self.access = access
        self.flush = flush
    }

    /// How many callers wait for a batch to start (for tests that need a full queue).
    var queuedCallers: Int { state.withLock { $0.queue.count } }

    /// Writes `items` in an upcoming batch and returns their outcomes, in order, once that batch is durable.
    func submit(_ items: [Item]) async throws -> [Outcome] {
        try await withCheckedThrowingContinuation { continuation in
            let startsDrain = state.withLock { state in
                state.queue.append(Waiter(items: items, continuation: continuation))
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startsDrain { access { context in self.drain(context) } }
        }
    }

    private func drain(_ context: Context) {
        while let batch = nextBatch() {
            let result = Result { try flush(context, batch.flatMap(\.items)) }
            var offset = 0
            for waiter in batch {
                let share = result.map { Array($0[offset..<offset + waiter.items.count]) }
                offset += waiter.items.count
                waiter.continuation.resume(with: share)
            }
        }
    }

    /// The next batch, or `nil` (and the drain ends) when nothing is queued.
    private func nextBatch() -> [Waiter]? {
        state.withLock { state in
            guard !state.queue.isEmpty else {
                state.draining = false
                return nil
            }
            var taken = 0
            var count = 0
            for waiter in state.queue {
                if taken > 0 && count + waiter.items.count > maxBatchItems { break }
                count += waiter.items.count
                taken += 1
            }
            let batch = Array(state.queue.prefix(taken))
            state.queue.removeFirst(taken)
            return batch
        }
    }
}
