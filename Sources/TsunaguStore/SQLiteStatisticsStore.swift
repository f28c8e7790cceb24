import GRDB
public import TsunaguCore

/// The anonymous records statistics are computed from: never a transcript, never a LINE id (the keyed
/// pseudonym only tells people apart and is not returned beyond ``CaseFacts``).
public struct SQLiteStatisticsStore: Sendable {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    /// Logs a phone or in-person consultation (no personal data), with its audit entry.
    public func record(_ consultation: CaseFacts, by actor: String) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: "INSERT INTO offline_consultation (held_at, channel, topic, outcome, referral) VALUES (?, ?, ?, ?, ?)",
                arguments: [consultation.openedAt, consultation.channel.rawValue, consultation.topic, consultation.outcome, consultation.referral])
            try SQLiteAuditLog.append(
                actor: actor, action: "consultation.record", detail: "\(consultation.channel.rawValue), \(consultation.outcome ?? "-")", in: db)
        }
    }

    /// The cases opened in `range` (milliseconds since the epoch), each with when its person was first seen, and
    /// the consultations logged for that time.
    public func facts(openedIn range: Range<Int64>) async throws -> [CaseFacts] {
        try await database.writer.read { db in
            let offline = try Row.fetchAll(
                db,
                sql: "SELECT held_at, channel, topic, outcome, referral FROM offline_consultation WHERE held_at >= ? AND held_at < ?",
                arguments: [range.lowerBound, range.upperBound]
            ).map { row in
                CaseFacts(
                    person: nil, channel: CaseFacts.Channel(rawValue: row["channel"]) ?? .phone, openedAt: row["held_at"],
                    topic: row["topic"], outcome: row["outcome"], referral: row["referral"])
            }
            return offline + (try Row.fetchAll(
                db,
                sql: """
                    SELECT c.conversation, c.opened_at, c.topic, c.urgency, c.priority, c.emergency, c.out_of_hours, c.queued_at,
                        c.claimed_at, c.closed_at, c.outcome, c.referral, c.satisfaction,
                        (SELECT MIN(f.opened_at) FROM triage_case f WHERE f.conversation = c.conversation) AS first_seen
                    FROM triage_case c WHERE c.opened_at >= ? AND c.opened_at < ?
                    """,
                arguments: [range.lowerBound, range.upperBound]
            ).map { row in
                CaseFacts(
                    person: row["conversation"], personFirstSeenAt: row["first_seen"], channel: .line, openedAt: row["opened_at"],
                    topic: row["topic"], urgency: row["urgency"], priority: (row["priority"] as String?).flatMap(Priority.init(rawValue:)),
                    emergency: row["emergency"], outOfHours: row["out_of_hours"] ?? false, queuedAt: row["queued_at"],
                    claimedAt: row["claimed_at"], closedAt: row["closed_at"], outcome: row["outcome"], referral: row["referral"],
                    satisfaction: row["satisfaction"])
            })
        }
    }
}
