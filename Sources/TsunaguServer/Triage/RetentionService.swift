public import Foundation
public import Logging
public import ServiceLifecycle
public import TsunaguStore

/// Destroys the messages of cases closed longer ago than the retention period: at start-up and then daily.
///
/// Only the content goes (each case's key and transcript); the anonymous triage record stays for statistics.
/// `tsunagud purge` does the same on demand. Live-feed events older than a week go too.
public struct RetentionService: Service {
    private let store: SQLiteTriageStore
    private let feed: SQLiteCaseStore?
    private let retentionDays: Int
    private let interval: Duration
    private let logger: Logger

    /// - Parameter feed: where the live-feed events are kept, to forget the old ones.
    public init(
        store: SQLiteTriageStore, feed: SQLiteCaseStore? = nil, retentionDays: Int, interval: Duration = .seconds(86_400),
        logger: Logger
    ) {
        self.store = store
        self.feed = feed
        self.retentionDays = retentionDays
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            _ = await purge()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return  // Shutting down.
            }
        }
    }

    /// The moment (milliseconds since the epoch) before which a closed case's content is past retention.
    public static func cutoff(days: Int, now: Date = Date()) -> Int64 {
        Int64(now.timeIntervalSince1970 * 1000) - Int64(days) * 86_400_000
    }

    /// One purge; returns how many cases lost their content (0 when the database could not be reached).
    public func purge(now: Date = Date()) async -> Int {
        do {
            let count = try await store.destroyContent(ofCasesClosedBefore: Self.cutoff(days: retentionDays, now: now))
            _ = try await feed?.forgetEvents(before: Self.cutoff(days: 7, now: now))
            if count > 0 {
                logger.notice("Destroyed the messages of cases past retention", metadata: ["cases": "\(count)", "days": "\(retentionDays)"])
            }
            return count
        } catch {
            logger.error("Could not purge messages past retention; will try again", metadata: ["error.type": "\(type(of: error))"])
            return 0
        }
    }
}
