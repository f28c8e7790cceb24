import Foundation
public import Logging
public import ServiceLifecycle
public import TsunaguCore

/// Destroys the messages of cases closed longer ago than the retention period: at start-up and then daily.
///
/// Only the content goes (each case's key and transcript), and the case's link to her; the anonymous triage
/// record stays for statistics. `tsunagud purge` does the same on demand. Each run also closes the cases idle
/// longer than their stage allows (so that every case's retention starts), deletes processed inbox events (their
/// keyed digests stay for ``InboxEvent/seenRetentionDays``, so a late redelivery is still dropped) and forgets the
/// sealed addresses no longer needed (``Periods``). Live-feed events older than a week go too.
///
/// With several instances on one database, each asks the ``JobSchedule`` before it purges, so the purge runs
/// once per period among them all, whichever instances are up.
public struct RetentionService: Service {
    /// The job's name in the schedule.
    public static let job = "retention-purge"

    /// How long each thing is kept (``Setting`` rows `tsunagu.retention.*`).
    public struct Periods: Sendable, Hashable {
        /// Days after a case closes until its messages are destroyed.
        public var messageDays: Int
        /// Hours after an inbox event is processed until its row is deleted.
        public var inboxHours: Int
        /// Days a conversation may stay unchanged, with nothing to send and no open case, before its address goes.
        public var addressDays: Int
        /// Days without activity after which an open case closes: in triage, waiting in the queue, held.
        public var idleTriageDays: Int
        public var idleQueuedDays: Int
        public var idleHeldDays: Int

        public init(
            messageDays: Int = 90, inboxHours: Int = 24, addressDays: Int = 30, idleTriageDays: Int = 1, idleQueuedDays: Int = 14,
            idleHeldDays: Int = 30
        ) {
            (self.messageDays, self.inboxHours, self.addressDays) = (messageDays, inboxHours, addressDays)
            (self.idleTriageDays, self.idleQueuedDays, self.idleHeldDays) = (idleTriageDays, idleQueuedDays, idleHeldDays)
        }
    }

    private let store: any TriageStore
    private let feed: (any CaseStore)?
    private let desk: CaseDesk?
    private let schedule: any JobSchedule
    private let periods: Periods
    private let interval: Duration
    private let clock: WallClock
    private let logger: Logger

    /// - Parameters:
    ///   - feed: where the live-feed events are kept, to forget the old ones.
    ///   - desk: closes the idle cases; without one, none are closed.
    ///   - schedule: which instance purges; one instance alone always does.
    public init(
        store: any TriageStore, feed: (any CaseStore)? = nil, desk: CaseDesk? = nil, schedule: any JobSchedule = SoleInstanceSchedule(),
        periods: Periods, interval: Duration = .seconds(86_400), clock: WallClock, logger: Logger
    ) {
        self.store = store
        self.feed = feed
        self.desk = desk
        self.schedule = schedule
        self.periods = periods
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await purgeIfDue()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return  // Shutting down.
            }
        }
    }

    /// Purges when no instance has in the last period. The period claimed is a tenth shorter than the interval,
    /// so that an instance waking a little early still finds its own last run due.
    func purgeIfDue() async {
        do {
            guard try await schedule.claim(Self.job, every: interval * 0.9, now: clock.now()) else { return }
        } catch {
            logger.error("Could not ask whether to purge; will ask again", metadata: ["error.type": "\(type(of: error))"])
            return
        }
        _ = await purge()
    }

    /// The moment (milliseconds since the epoch) before which a closed case's content is past retention.
    public static func cutoff(days: Int, now: Int64) -> Int64 {
        now - Int64(days) * 86_400_000
    }

    /// One purge, as of the clock's now; returns how many cases lost their content (0 when the database could not be reached).
    public func purge() async -> Int {
        let now = clock.now()
        do {
            if let desk {
                let closed = try await desk.closeIdleCases(
                    triage: Self.cutoff(days: periods.idleTriageDays, now: now), queued: Self.cutoff(days: periods.idleQueuedDays, now: now),
                    held: Self.cutoff(days: periods.idleHeldDays, now: now))
                if closed > 0 { logger.notice("Closed the cases nobody wrote in for too long", metadata: ["cases": "\(closed)"]) }
            }
            let count = try await store.destroyContent(ofCasesClosedBefore: Self.cutoff(days: periods.messageDays, now: now))
            _ = try await store.forgetProcessedEvents(before: now - Int64(periods.inboxHours) * 3_600_000)
            _ = try await store.forgetSeenEvents(before: Self.cutoff(days: InboxEvent.seenRetentionDays, now: now))
            _ = try await store.forgetAddresses(unchangedSince: Self.cutoff(days: periods.addressDays, now: now))
            _ = try await feed?.forgetEvents(before: Self.cutoff(days: 7, now: now))
            if count > 0 {
                logger.notice("Destroyed the messages of cases past retention", metadata: ["cases": "\(count)", "days": "\(periods.messageDays)"])
            }
            return count
        } catch {
            logger.error("Could not purge messages past retention; will try again", metadata: ["error.type": "\(type(of: error))"])
            return 0
        }
    }
}
