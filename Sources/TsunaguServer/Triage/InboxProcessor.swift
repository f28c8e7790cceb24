import Crypto
import Foundation
import LineMessaging
public import Logging
public import ServiceLifecycle
import Synchronization
public import TsunaguCore

/// The service that turns inbox events into conversation: for each event, in order per chat, it runs the
/// ``TriageDecider`` and commits the new state, her recorded message and the outbox rows of the bot's answer
/// in the transaction that marks the event processed — exactly once, even across a crash.
///
/// Most events are processed by the ingress itself, in the transaction that stores them; this service takes
/// the rest: events stored without a decider, events whose chat still had an earlier event pending, events
/// whose processing failed, and anything left from before a restart. It wakes when the ingress rings its
/// ``Doorbell`` (and polls now and then), and rings the sender's bell when it has queued answers, and the staff
/// feed's when it processed any.
public struct InboxProcessor: Service {
    private let store: any TriageStore
    private let decider: TriageDecider
    private let incoming: Doorbell
    private let outgoing: Doorbell?
    private let feed: Doorbell?
    private let metrics: TsunaguMetrics?
    private let logger: Logger
    private let batchSize: Int
    /// Conversations whose last event failed, and until when (ms, the decider's clock) they are left out of batches.
    private let failing = FailingConversations()
    /// How long a conversation whose event failed waits before it is tried again: its events stay pending (order
    /// holds), and a stored state that cannot be read does not fill every batch and hold up everyone else. Short,
    /// since a failure may also be a passing one (a lost connection) that delays her answer this long.
    static let failedConversationPauseMs: Int64 = 5_000

    public init(
        store: any TriageStore, decider: TriageDecider, incoming: Doorbell, outgoing: Doorbell? = nil, feed: Doorbell? = nil,
        batchSize: Int = 256, metrics: TsunaguMetrics? = nil, logger: Logger
    ) {
        self.feed = feed
        self.store = store
        self.decider = decider
        self.incoming = incoming
        self.outgoing = outgoing
        self.batchSize = batchSize
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if await processPending() == 0 {
                await incoming.wait(upTo: .milliseconds(500))
            }
        }
    }

    /// One batch of pending events, oldest first, in one transaction. Returns how many were processed.
    @discardableResult
    public func processPending() async -> Int {
        do {
            let events = try await store.pendingEvents(limit: batchSize, excluding: failing.waiting(at: decider.now()))
            guard !events.isEmpty else { return 0 }
            let decider = self.decider
            let result = try await store.process(events) { event, snapshot in try decider.decide(event, snapshot) }
            let failed = Set(result.failed)
            failing.note(
                events.filter { failed.contains($0.eventID) }.compactMap(\.conversation),
                until: decider.now() + Self.failedConversationPauseMs)
            metrics?.recordTriage(processed: result.processed, failed: result.failed.count)
            for event in result.failed {
                logger.error("An inbox event could not be processed; it will be retried", metadata: ["inbox.event": "\(event)"])
            }
            if result.enqueued > 0 { outgoing?.ring() }
            if result.processed > 0 { feed?.ring() }
            // A batch in which every event failed would spin: wait for the next ring or poll instead.
            return result.processed
        } catch {
            logger.error("Could not process the inbox", metadata: ["error.type": "\(type(of: error))"])
            return 0
        }
    }
}

/// The conversations an ``InboxProcessor`` leaves out for a while because an event of theirs failed.
private final class FailingConversations: Sendable {
    private let until = Mutex<[Pseudonym: Int64]>([:])

    /// Those still waiting at `now` (the others are forgotten, and tried again).
    func waiting(at now: Int64) -> Set<Pseudonym> {
        until.withLock { until in
            until = until.filter { $0.value > now }
            return Set(until.keys)
        }
    }

    func note(_ conversations: [Pseudonym], until moment: Int64) {
        guard !conversations.isEmpty else { return }
        until.withLock { until in
            for conversation in conversations { until[conversation] = moment }
        }
    }
}
