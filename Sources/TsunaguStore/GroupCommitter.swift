import Synchronization

/// Joins concurrent writes into shared transactions, so that durability costs one sync per batch instead of
/// one per request.
///
/// Callers ``submit(_:)`` items and wait. The first caller to find no flush running becomes the *leader*:
/// it takes everything queued so far (its own items included) and writes it with one call to `flush`. While
/// it writes, new callers queue up. When it is done it resumes every caller of its batch with its outcome,
/// and hands leadership to the oldest queued caller, which flushes the next batch. So no background task is
/// needed, a flush is always running while work is queued, and no caller waits for more than the batch in
/// progress plus its own.
///
/// - Invariant: each waiter's continuation is resumed exactly once, either with `.lead` (by itself on the
///   fast path, or by the previous leader on handoff) or with `.done` (by the leader whose batch held it).
///   At most one `.lead` is outstanding, guarded by `leaderActive`.
final class GroupCommitter<Item: Sendable, Outcome: Sendable>: Sendable {
    typealias Flush = @Sendable ([Item]) async throws -> [Outcome]

    private enum Turn: Sendable {
        case lead
        case done(Result<[Outcome], any Error>)
    }

    private struct Waiter: Sendable {
        let id: UInt64
        let items: [Item]
        let continuation: CheckedContinuation<Turn, Never>
    }

    private struct State: Sendable {
        var queue: [Waiter] = []
        var leaderActive = false
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())
    private let maxBatchItems: Int
    private let flush: Flush

    /// - Parameters:
    ///   - maxBatchItems: the most items one transaction takes (a waiter's items are never split).
    ///   - flush: writes a batch durably and returns one outcome per item, in order; throwing fails the batch.
    init(maxBatchItems: Int = 4096, flush: @escaping Flush) {
        self.maxBatchItems = maxBatchItems
        self.flush = flush
    }

    /// How many callers are queued behind the flush in progress (for tests that need a full queue).
    var queuedCallers: Int { state.withLock { $0.queue.count } }

    /// Writes `items` in some upcoming batch and returns their outcomes, in order, once that batch is durable.
    func submit(_ items: [Item]) async throws -> [Outcome] {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let leads = state.withLock { state in
                state.nextID &+= 1
                state.queue.append(Waiter(id: state.nextID, items: items, continuation: continuation))
                if state.leaderActive { return false }
                state.leaderActive = true
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .done(let result):
            return try result.get()
        case .lead:
            return try await lead().get()
        }
    }

    /// Flushes one batch as leader, resumes its waiters, passes leadership on, and returns the leader's result.
    private func lead() async -> Result<[Outcome], any Error> {
        let batch = state.withLock { state in
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
        // The leader is always the head of the queue when it takes a batch, so it is in `batch`.
        let leaderID = batch[0].id
        let result: Result<[Outcome], any Error>
        do {
            result = .success(try await flush(batch.flatMap(\.items)))
        } catch {
            result = .failure(error)
        }

        var own: Result<[Outcome], any Error> = .success([])
        var offset = 0
        for waiter in batch {
            let share = result.map { Array($0[offset..<offset + waiter.items.count]) }
            offset += waiter.items.count
            if waiter.id == leaderID { own = share } else { waiter.continuation.resume(returning: .done(share)) }
        }

        let next = state.withLock { state -> Waiter? in
            guard let head = state.queue.first else {
                state.leaderActive = false
                return nil
            }
            return head
        }
        next?.continuation.resume(returning: .lead)
        return own
    }
}
