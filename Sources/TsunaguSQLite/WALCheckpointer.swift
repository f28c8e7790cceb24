import Dispatch
import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log into the database file from a connection of its own, off the writer.
///
/// SQLite's automatic checkpoint runs on the connection that commits, inside that commit: every thousand
/// pages, one commit also copies the log into the database and syncs the file, and every write queued behind
/// it waits. Measured at 200 conversations a second, those pauses were most of the reply latency's 99th
/// percentile (see docs/BENCHMARKS.md). So the writer's automatic checkpoint is off, and this passive
/// checkpoint runs every `interval` on its own queue: it never blocks the writer or readers, and durability is
/// unchanged (the log was synced at each commit).
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let stopped = Mutex(false)
    /// Scrubs asked for and not yet done: the next tick truncates the log instead of a passive checkpoint.
    private let scrubs = Mutex(0)
    /// Signalled to stop waiting for the next tick.
    private let wakeUp = DispatchSemaphore(value: 0)

    init(path: String, interval: Double = 0.5) throws {
        var configuration = SQLiteDatabase.makeConfiguration(readonly: false)
        configuration.label = "tsunagu.checkpointer"
        connection = try DatabaseQueue(path: path, configuration: configuration)
        // Weakly held: a database dropped without `close()` ends its checkpointer at the next tick.
        let thread = Thread { [weak self, wakeUp] in
            while true {
                _ = wakeUp.wait(timeout: .now() + interval)
                guard let self, !self.stopped.withLock({ $0 }) else { return }
                self.checkpoint()
            }
        }
        thread.name = "tsunagu.checkpointer"
        thread.start()
    }

    /// Passive: copies what it can without waiting; a failure is retried at the next tick. After a scrub was
    /// asked for, truncating: it waits for readers of older snapshots, copies the whole log and empties the file,
    /// so that no frame of a page as it was before a deletion stays in it.
    private func checkpoint() {
        let asked = scrubs.withLock { $0 }
        guard asked > 0 else {
            _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            return
        }
        let done = (try? connection.writeWithoutTransaction { db in try db.checkpoint(.truncate) }) != nil
        if done { scrubs.withLock { $0 -= asked } }
    }

    var hasScrubPending: Bool { scrubs.withLock { $0 > 0 } }

    /// Asks for the log to be truncated at once (see ``checkpoint()``).
    func requestScrub() {
        scrubs.withLock { $0 += 1 }
        wakeUp.signal()
    }

    func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        wakeUp.signal()
        try? connection.close()
    }
}
