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
            let events = try await store.pendingEvents(limit: batchSize)
            guard !events.isEmpty else { return 0 }
            let decider = self.decider
            let result = try await store.process(events) { event, snapshot in try decider.decide(event, snapshot) }
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
