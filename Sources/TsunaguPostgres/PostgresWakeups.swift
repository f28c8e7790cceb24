import Logging
import PostgresNIO

/// Wakes every instance when one of them has stored work the others may be waiting for, through PostgreSQL's
/// `LISTEN`/`NOTIFY`: a counsellor connected to one instance hears of a case queued by another, and an instance
/// whose sender sleeps hears that another queued a send. Only a topic's name travels, never data.
///
/// A wake-up is a hint, not a delivery: each instance also polls (as it does on SQLite), so a notification
/// lost while an instance reconnects delays work by a poll interval at most.
public struct PostgresWakeups: Sendable {
    /// What there is to look at.
    public enum Topic: String, Sendable, CaseIterable {
        /// New events in the inbox.
        case inbox
        /// New sends in the outbox.
        case outbox
        /// Something counsellors watch changed (the live feed).
        case feed
    }

    /// The one channel every instance listens on; the payload is the topic.
    public static let channel = "tsunagu_wakeup"

    private let database: SharedDatabase

    public init(database: SharedDatabase) { self.database = database }

    /// Tells every listening instance, this one included, to look at `topic`.
    public func announce(_ topic: Topic) async throws {
        try await database.client.query("SELECT pg_notify(\(Self.channel), \(topic.rawValue))", logger: database.logger)
    }

    /// Calls `heard` for each announcement from any instance until the task is cancelled. Holds one pooled
    /// connection while it listens.
    public func listen(_ heard: @escaping @Sendable (Topic) -> Void) async throws {
        try await database.client.withConnection { connection in
            try await connection.listen(on: Self.channel) { notifications in
                for try await notification in notifications {
                    if let topic = Topic(rawValue: notification.payload) { heard(topic) }
                }
            }
        }
    }
}
