import CurlHTTP
import Foundation
public import LineMessaging
public import Logging
public import ServiceLifecycle
import Synchronization
public import TsunaguCore

/// The service that delivers the outbox to LINE until told to stop.
///
/// The store offers only each conversation's head (its earliest unsettled entry), and the sender never has
/// two entries of one conversation in flight, so per-user order holds: an entry is offered only once every
/// earlier entry of its conversation is settled and saved. Each entry's next state is decided by
/// ``DeliveryPolicy``; between sends the sender waits for its doorbell, the next retry time, or a short poll.
/// Calls are paced under LINE's per-endpoint limit (`requestsPerSecond` each for reply and push; LINE
/// allows 2,000 per channel); with several instances, under it all together, through a shared budget. On graceful shutdown it finishes the sends in flight; on a crash, nothing is lost: every entry is
/// still in the store, and a push is retried with the same retry key.
public struct OutboxSender: Service {
    private let store: any OutboxStore
    private let client: LineMessagingClient
    private let sealer: EventSealer
    private let policy: DeliveryPolicy
    private let batchSize: Int
    private let idleInterval: Duration
    private let doorbell: Doorbell?
    private let clock: WallClock
    /// A retry key for an entry whose stored one is not a UUID (LINE takes only UUIDs; every key written is one).
    private let ids: any IDSource
    private let logger: Logger
    private let metrics: TsunaguMetrics?
    private let monthlyPushQuota: Int
    private let replyLimiter: CallPacer
    private let pushLimiter: CallPacer
    /// Waited, holding back only that conversation, after an attempt whose result could not be saved.
    private let pauseAfterFailedSave: @Sendable () async -> Void

    public init(
        store: any OutboxStore, client: LineMessagingClient, sealer: EventSealer, policy: DeliveryPolicy = DeliveryPolicy(),
        batchSize: Int = 1024, idleInterval: Duration = .milliseconds(200), doorbell: Doorbell? = nil,
        clock: WallClock, ids: any IDSource, requestsPerSecond: Int = 1_800, sharedBudget: SharedRateBudget? = nil,
        monthlyPushQuota: Int = 200, metrics: TsunaguMetrics? = nil, logger: Logger,
        pauseAfterFailedSave: @escaping @Sendable () async -> Void = { try? await Task.sleep(for: .seconds(1)) }
    ) {
        self.pauseAfterFailedSave = pauseAfterFailedSave
        self.monthlyPushQuota = monthlyPushQuota
        self.replyLimiter = CallPacer(endpoint: "reply", requestsPerSecond: requestsPerSecond, shared: sharedBudget, logger: logger)
        self.pushLimiter = CallPacer(endpoint: "push", requestsPerSecond: requestsPerSecond, shared: sharedBudget, logger: logger)
        self.metrics = metrics
        self.store = store
        self.client = client
        self.sealer = sealer
        self.policy = policy
        self.batchSize = batchSize
        self.idleInterval = idleInterval
        self.doorbell = doorbell
        self.clock = clock
        self.ids = ids
        self.logger = logger
    }

    /// Delivers until told to stop. Sends are *rolling*: each due entry is attempted as soon as it is offered
    /// (up to `batchSize` at once, never two of one conversation), and each result is saved the moment its
    /// call returns — the store joins concurrent saves into one transaction — after which that conversation's
    /// next entry is offered. A slow call holds back only its own conversation. On graceful shutdown the calls
    /// in flight finish and are saved; on a crash, every entry is still in the store, and a push is retried
    /// with the same retry key.
    public func run() async throws {
        // A sender that died may have had replies accepted without saving that (see markRepliesPossiblyMade).
        do {
            let marked = try await store.markRepliesPossiblyMade()
            if marked > 0 { logger.info("Pending replies marked as possibly made before a restart", metadata: ["entries": "\(marked)"]) }
        } catch {
            logger.error("Could not mark pending replies", metadata: ["error.type": "\(type(of: error))"])
        }
        let inFlight = InFlightConversations()
        let wakeUp = doorbell ?? Doorbell()
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let room = batchSize - inFlight.count
                if room > 0, let due = await readDue(limit: room, excluding: inFlight.all) {
                    for entry in due where inFlight.insert(entry.conversation) {
                        group.addTask {
                            let attempt = await attempt(entry)
                            if await !save([attempt]) {
                                // The entry is still due as it was: offered again at once, it would be sent to LINE as
                                // fast as calls go (a reply LINE then refuses, pushes it answers 409) for as long as
                                // the database cannot write. Her conversation waits a moment; the others go on.
                                await pauseAfterFailedSave()
                            }
                            inFlight.remove(entry.conversation)
                            wakeUp.ring()  // Her next entry, if any, may go now.
                        }
                    }
                }
                // Nothing new can be due until a send settles, triage queues more, or a retry time comes.
                await wakeUp.wait(upTo: idleInterval)
            }
        }
    }

    /// One round, for tests and tools that want a step they can await: every due entry, concurrently, then
    /// every result saved in one transaction. Returns how many entries were attempted.
    @discardableResult
    public func deliverDueEntries() async -> Int {
        guard let due = await readDue(limit: batchSize) else { return 0 }
        let attempts = await withTaskGroup(of: (entry: OutboxEntry, pushAccepted: Bool).self) { group in
            for entry in due {
                group.addTask { await attempt(entry) }
            }
            return await group.reduce(into: [(entry: OutboxEntry, pushAccepted: Bool)]()) { $0.append($1) }
        }
        await save(attempts)
        return due.count
    }

    private func readDue(limit: Int, excluding busy: Set<Pseudonym> = []) async -> [OutboxEntry]? {
        do {
            return try await store.dueEntries(now: clock.now(), limit: limit, excluding: busy)
        } catch {
            logger.error("Could not read the outbox", metadata: ["error.type": "\(type(of: error))"])
            return nil
        }
    }

    /// Saves attempts' results; returns whether they were saved. If the save fails, the entries stay as they were
    /// and are attempted again: pushes repeat their retry keys, which LINE answers 409.
    @discardableResult
    private func save(_ attempts: [(entry: OutboxEntry, pushAccepted: Bool)]) async -> Bool {
        let results = attempts.map(\.entry)
        let pushes = attempts.count { $0.pushAccepted }
        do {
            let used = try await store.update(results, countingPushes: pushes, in: QuotaMonth.of(milliseconds: clock.now()))
            notePushUsage(used: used, added: pushes)
        } catch {
            logger.error("Could not save outbox results", metadata: ["error.type": "\(type(of: error))"])
            return false
        }
        for entry in results {
            metrics?.recordOutboxResult(entry.state == .pending ? "retried" : entry.state.rawValue)
            if entry.state == .deadLettered {
                logger.warning("An outbox entry was dead-lettered", metadata: ["outbox.entry": "\(entry.id)", "reason": "\(entry.lastError ?? "")"])
            }
        }
        return true
    }

    /// Publishes this month's push count and warns once when it crosses 80 % of the plan's quota.
    private func notePushUsage(used: Int, added: Int) {
        metrics?.setMonthlyPushes(used, quota: monthlyPushQuota)
        guard monthlyPushQuota > 0 else { return }
        let threshold = (monthlyPushQuota * 8 + 9) / 10
        if used >= threshold && used - added < threshold {
            logger.warning(
                "Pushes this month have reached 80 % of the plan's quota; replies are still free",
                metadata: ["pushes": "\(used)", "quota": "\(monthlyPushQuota)"])
        }
    }

    /// Attempts one entry; returns it as it should be saved, and whether LINE accepted a push of it (which
    /// counts against the monthly quota; a 409 counts too, since its first acceptance was never recorded).
    private func attempt(_ entry: OutboxEntry) async -> (entry: OutboxEntry, pushAccepted: Bool) {
        var random = SystemRandomNumberGenerator()
        do {
            let payload = try OutboxPayload.open(entry.sealedPayload, with: sealer, entryID: entry.id)
            let route = payload.replyToken == nil || payload.messages.isEmpty ? .push : policy.route(for: entry, now: clock.now())
            let start = ContinuousClock.now
            let outcome = await send(payload, entry: entry, by: route)
            metrics?.recordOutboxSend(duration: .now - start)
            let next = policy.next(after: outcome, of: entry, by: route, now: clock.now(), using: &random)
            return (next, route == .push && (outcome == .accepted || outcome == .alreadyAccepted))
        } catch {
            var dead = entry
            dead.state = .deadLettered
            dead.lastError = "The sealed payload could not be opened (was the data key changed?)"
            return (dead, false)
        }
    }

    private func send(_ payload: OutboxPayload, entry: OutboxEntry, by route: DeliveryPolicy.Route) async -> DeliveryPolicy.AttemptOutcome {
        let outcome = payload.messages.isEmpty ? .accepted : await deliver(payload, entry: entry, by: route)
        if let leave = payload.leave, outcome == .accepted || outcome == .alreadyAccepted {
            await self.leave(leave, payload.chatID)
        }
        return outcome
    }

    /// Leaves a group or room after its notice; a failure is logged and not retried (the next event from
    /// that chat leaves again).
    private func leave(_ kind: OutboxPayload.Leave, _ chatID: String) async {
        do {
            await pushLimiter.acquire()
            switch kind {
            case .group: try await client.leaveGroup(chatID)
            case .room: try await client.leaveRoom(chatID)
            }
        } catch {
            logger.warning("Could not leave a group or room", metadata: ["error": "\(error.description)"])
        }
    }

    private func deliver(_ payload: OutboxPayload, entry: OutboxEntry, by route: DeliveryPolicy.Route) async -> DeliveryPolicy.AttemptOutcome {
        do {
            switch route {
            case .reply:
                await replyLimiter.acquire()
                _ = try await client.reply(token: payload.replyToken ?? "", messages: payload.messages)
                return .accepted
            case .push:
                await pushLimiter.acquire()
                switch try await client.push(to: payload.chatID, messages: payload.messages, retryKey: UUID(uuidString: entry.retryKey) ?? ids.next())
                {
                case .accepted: return .accepted
                case .alreadyAccepted: return .alreadyAccepted
                }
            }
        } catch {
            if case .api(let apiError) = error, apiError.isAccessTokenRefused {
                logger.error("LINE refused the channel access token: sends wait and are retried until it is replaced")
            }
            return OutboxSenderMapping.outcome(error, route)
        }
    }
}

/// The conversations with a send in flight: at most one each.
final class InFlightConversations: Sendable {
    private let conversations = Mutex<Set<Pseudonym>>([])

    /// Adds `conversation`; `false` if it already has a send in flight.
    func insert(_ conversation: Pseudonym) -> Bool { conversations.withLock { $0.insert(conversation).inserted } }

    func remove(_ conversation: Pseudonym) { _ = conversations.withLock { $0.remove(conversation) } }

    var count: Int { conversations.withLock { $0.count } }

    var all: Set<Pseudonym> { conversations.withLock { $0 } }
}

/// How a client error reads to the delivery policy.
public enum OutboxSenderMapping {
    /// How long a send refused for the access token waits before it is tried again.
    static let refusedTokenWaitMs: Int64 = 60_000

    public static func outcome(_ error: LineClientError, _ route: DeliveryPolicy.Route) -> DeliveryPolicy.AttemptOutcome {
        switch error {
        case .api(let apiError):
            if route == .reply && apiError.isInvalidReplyToken { return .replyTokenInvalid }
            if apiError.isMonthlyQuotaExhausted { return .quotaExhausted(reason: apiError.message) }
            // Our channel access token was refused (reissued, revoked): LINE sent nothing, and every send would be
            // refused alike until the operator sets a new one. Waiting keeps her answers; a dead letter lost them.
            if apiError.isAccessTokenRefused { return .retryable(retryAfterMs: Self.refusedTokenWaitMs, reason: apiError.description) }
            // LINE sends nothing when it answers an error, but a 5xx may come from something in between that lost
            // LINE's answer. A reply cannot be repeated safely, so its 5xx counts as unknown: if the retry finds the
            // token used, it was used by this reply. (A push repeats its retry key, which is safe either way.)
            if route == .reply && apiError.status >= 500 { return .unknown }
            if apiError.status == 429 || apiError.status >= 500 {
                // At most a day: longer is past the retry key's life anyway, and a huge header must not overflow.
                return .retryable(retryAfterMs: apiError.retryAfterSeconds.map { Int64(min($0, 86_400)) * 1000 }, reason: apiError.description)
            }
            return .rejected(reason: apiError.description)
        case .transport(let transportError):
            // A refused connection sent nothing; any other failure may have reached LINE.
            return transportError.code == .connectionFailed
                ? .retryable(retryAfterMs: nil, reason: error.description) : .unknown
        case .unexpectedResponse:
            return .accepted  // LINE answered 2xx: it accepted, whatever its body said.
        case .limits(let sentence):
            return .rejected(reason: sentence)
        }
    }
}
