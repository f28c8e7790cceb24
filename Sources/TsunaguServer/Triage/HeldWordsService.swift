public import Logging
public import ServiceLifecycle
public import TsunaguCore

/// Destroys the words she wrote before answering the privacy notice once they are older than the script's
/// `firstWords.holdMinutes`: the welcome promises it, so it runs every minute, on every instance (deleting what
/// is already gone does nothing).
public struct HeldWordsService: Service {
    private let store: any TriageStore
    private let holdMinutes: Int
    private let interval: Duration
    private let clock: WallClock
    private let logger: Logger

    public init(store: any TriageStore, holdMinutes: Int, interval: Duration = .seconds(60), clock: WallClock, logger: Logger) {
        self.store = store
        self.holdMinutes = holdMinutes
        self.interval = interval
        self.clock = clock
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

    /// One pass, as of the clock's now; returns how many conversations' held words were destroyed (0 when the database could not be
    /// reached).
    public func purge() async -> Int {
        do {
            let count = try await store.destroyHeldWords(heldBefore: clock.now() - Int64(holdMinutes) * 60_000)
            if count > 0 { logger.info("Destroyed words held past the time to answer the privacy notice", metadata: ["conversations": "\(count)"]) }
            return count
        } catch {
            logger.error("Could not destroy expired held words; will try again", metadata: ["error.type": "\(type(of: error))"])
            return 0
        }
    }
}
