/// The durable inbox: where every acknowledged webhook event lives until it has been processed.
///
/// The contract every backend keeps (SQLite now, PostgreSQL later), checked by the store-contract suite:
/// - ``append(_:)`` returns only once every event it was given is durable, or throws and keeps none of them;
/// - an event whose `eventID` is already stored is not stored again: it counts as a duplicate;
/// - concurrent appends are all honoured; a backend may commit them together (group commit).
public protocol InboxStore: Sendable {
    /// Stores events atomically; returns one outcome per event, in order.
    func append(_ events: [InboxEvent]) async throws -> [InboxAppendOutcome]

    /// Counts read from durable storage.
    func counts() async throws -> InboxCounts
}

/// What became of one appended event.
public enum InboxAppendOutcome: String, Sendable, Hashable, Codable {
    /// Newly stored.
    case stored
    /// Already in the inbox (a redelivery or any repeat); counted, not stored again.
    case duplicate
}

/// The inbox's tallies, as `tsunagud inbox --json` prints them.
public struct InboxCounts: Sendable, Hashable, Codable {
    /// Distinct events ever stored.
    public var stored: Int
    /// Repeats of stored events that were acknowledged and not stored again.
    public var duplicates: Int
    /// Stored events not yet processed.
    public var pending: Int
    /// Stored events that have been processed.
    public var processed: Int

    public init(stored: Int, duplicates: Int, pending: Int, processed: Int) {
        self.stored = stored
        self.duplicates = duplicates
        self.pending = pending
        self.processed = processed
    }
}
