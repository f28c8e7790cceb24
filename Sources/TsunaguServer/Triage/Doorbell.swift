import Synchronization

/// Wakes a waiting loop as soon as there is work, instead of letting it poll: the ingress rings the
/// processor's bell when it has stored events, the processor rings the sender's when it has queued sends.
///
/// A ring with no one waiting is remembered once, so work that arrives between two waits is never missed.
///
/// With several instances on one database, a bell can also be relayed: ``ring()`` then tells the other
/// instances too (see ``WakeupRelay``), and what they announce rings it here with ``ringHere()``.
public final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())
    private let relay: (@Sendable () -> Void)?

    /// - Parameter relay: called on every ``ring()``, to pass it on to other instances.
    public init(relay: (@Sendable () -> Void)? = nil) { self.relay = relay }

    /// Wakes this instance's waiter, and the other instances' when the bell is relayed.
    public func ring() {
        ringHere()
        relay?()
    }

    /// Wakes this instance's waiter only: for a ring that came from another instance.
    public func ringHere() {
        let waiters = state.withLock { state in
            let waiters = state.waiters.values
            state.waiters.removeAll()
            if waiters.isEmpty { state.rung = true }
            return Array(waiters)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when the bell rings (or had rung since the last wait), or after `timeout`, or on cancellation.
    /// - Returns: whether it rang (`false`: the time ran out or the task was cancelled).
    @discardableResult
    public func wait(upTo timeout: Duration) async -> Bool {
        let id: Int? = state.withLock { state in
            if state.rung {
                state.rung = false
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state in
                        if state.rung {
                            state.rung = false
                            return true
                        }
                        state.waiters[id] = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let rang = await group.next() ?? false
            group.cancelAll()
            self.release(id)
            return rang
        }
    }

    /// Resumes waiter `id` if it is still waiting (the timeout won the race).
    private func release(_ id: Int) {
        let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
        waiter?.resume()
    }
}
