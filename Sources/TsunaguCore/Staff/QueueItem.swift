/// A case waiting for a counsellor, as the staff API and the `tsunagu` CLI show it: the anonymous triage
/// record and the handle, never text and never an id of her.
public struct QueueItem: Sendable, Hashable, Codable {
    public var handle: String
    public var priority: Priority
    public var topic: String?
    public var urgency: String?
    /// The emergency category detected, if any.
    public var emergency: String?
    /// She reached the queue outside office hours.
    public var outOfHours: Bool
    /// Milliseconds since the epoch.
    public var queuedAt: Int64

    public init(
        handle: String, priority: Priority, topic: String?, urgency: String?, emergency: String?, outOfHours: Bool, queuedAt: Int64
    ) {
        self.handle = handle
        self.priority = priority
        self.topic = topic
        self.urgency = urgency
        self.emergency = emergency
        self.outOfHours = outOfHours
        self.queuedAt = queuedAt
    }
}
