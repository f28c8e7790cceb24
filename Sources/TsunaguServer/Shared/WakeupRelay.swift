public import Logging
public import ServiceLifecycle
import Synchronization
public import TsunaguPostgres

/// Carries doorbell rings between instances that share a PostgreSQL database, so that a counsellor connected
/// to one instance hears at once of a case another instance queued, and an idle sender hears of a send another
/// instance queued.
///
/// Rings are coalesced: however often a bell rings, each topic is announced at most once per round trip to the
/// database, so a busy webhook listener does not turn into a stream of `NOTIFY`s. A lost announcement costs at
/// most one poll interval, because every waiting loop also polls.
public final class WakeupRelay: Service {
    private let wakeups: PostgresWakeups
    private let logger: Logger
    private let bells = Mutex<[PostgresWakeups.Topic: Doorbell]>([:])
    private let unannounced = Mutex<Set<PostgresWakeups.Topic>>([])
    private let outgoing = Doorbell()

    public init(wakeups: PostgresWakeups, logger: Logger) {
        self.wakeups = wakeups
        self.logger = logger
    }

    /// This instance's bell for `topic`: ringing it also tells the other instances, and their announcements ring it.
    public func doorbell(for topic: PostgresWakeups.Topic) -> Doorbell {
        bells.withLock { bells in
            if let bell = bells[topic] { return bell }
            let bell = Doorbell { [weak self] in self?.announceSoon(topic) }
            bells[topic] = bell
            return bell
        }
    }

    private func announceSoon(_ topic: PostgresWakeups.Topic) {
        let isNew = unannounced.withLock { $0.insert(topic).inserted }
        if isNew { outgoing.ring() }
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.listen() }
            group.addTask { await self.announce() }
        }
    }

    /// Rings this instance's bells for every announcement; listens again after a lost connection.
    private func listen() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown {
                    try await self.wakeups.listen { [weak self] topic in
                        self?.bells.withLock { $0[topic] }?.ringHere()
                    }
                }
            } catch {
                if Task.isShuttingDownGracefully || Task.isCancelled { return }
                logger.warning("Lost the wake-ups from other instances; listening again", metadata: ["error.type": "\(type(of: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }

    /// Sends what rang since the last announcement, one `NOTIFY` per topic.
    private func announce() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await outgoing.wait(upTo: .seconds(1))
            let topics = unannounced.withLock { topics in
                defer { topics.removeAll() }
                return topics
            }
            for topic in topics.sorted(by: { $0.rawValue < $1.rawValue }) {
                do {
                    try await wakeups.announce(topic)
                } catch {
                    logger.debug("Could not announce a wake-up; the others will poll", metadata: ["error.type": "\(type(of: error))"])
                }
            }
        }
    }
}
