public import TsunaguCore

/// The inbox's in-memory twin: the same contract as the SQLite store, no durability. For tests of code that
/// needs an inbox but not a disk, and as a second backend the contract suite checks.
public actor InMemoryInboxStore: InboxStore {
    private var events: [String: InboxEvent] = [:]
    private var order: [String] = []
    private var duplicates = 0
    /// When set, the next append throws it (and stores nothing), to test failure paths.
    public var failNextAppend: (any Error)?

    public init() {}

    public func append(_ newEvents: [InboxEvent]) throws -> [InboxAppendOutcome] {
        if let error = failNextAppend {
            failNextAppend = nil
            throw error
        }
        return newEvents.map { event in
            if events[event.eventID] != nil {
                duplicates += 1
                return .duplicate
            }
            events[event.eventID] = event
            order.append(event.eventID)
            return .stored
        }
    }

    public func counts() -> InboxCounts {
        InboxCounts(stored: events.count, duplicates: duplicates, pending: events.count, processed: 0)
    }

    /// Every stored event, in the order it was stored.
    public func storedEvents() -> [InboxEvent] { order.compactMap { events[$0] } }

    public func setFailNextAppend(_ error: any Error) { failNextAppend = error }
}
