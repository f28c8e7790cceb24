import Logging
import PostgresNIO
public import TsunaguCore

/// The records statistics are computed from, on PostgreSQL (see ``StatisticsStore``).
public struct PostgresStatisticsStore: StatisticsStore {
    private let database: SharedDatabase

    public init(database: SharedDatabase) { self.database = database }

    public func record(_ consultation: CaseFacts, by actor: String) async throws {
        let logger = database.logger
        try await database.transaction { connection in
            try await connection.query(
                """
                INSERT INTO offline_consultation (held_at, channel, topic, outcome, referral)
                VALUES (\(consultation.openedAt), \(consultation.channel.rawValue), \(consultation.topic),
                    \(consultation.outcome), \(consultation.referral))
                """, logger: logger)
            try await PostgresAuditLog.append(
                actor: actor, action: "consultation.record",
                detail: "\(consultation.channel.rawValue), \(consultation.outcome ?? "-")", on: connection, logger: logger)
        }
    }

    public func facts(openedIn range: Range<Int64>) async throws -> [CaseFacts] {
        let client = database.client, logger = database.logger
        var facts: [CaseFacts] = []
        for try await (heldAt, channel, topic, outcome, referral) in try await client.query(
            """
            SELECT held_at, channel, topic, outcome, referral FROM offline_consultation
            WHERE held_at >= \(range.lowerBound) AND held_at < \(range.upperBound)
            """, logger: logger
        ).decode((Int64, String, String, String, String?).self) {
            facts.append(
                CaseFacts(
                    person: nil, channel: CaseFacts.Channel(rawValue: channel) ?? .phone, openedAt: heldAt, topic: topic,
                    outcome: outcome, referral: referral))
        }
        let rows = try await client.query(
            """
            SELECT c.conversation, c.opened_at, c.topic, c.urgency, c.priority, c.emergency, c.out_of_hours, c.queued_at,
                c.claimed_at, c.closed_at, c.outcome, c.referral, c.satisfaction,
                (SELECT MIN(f.opened_at) FROM triage_case f WHERE f.conversation = c.conversation),
                c.first_response_at
            FROM triage_case c WHERE c.opened_at >= \(range.lowerBound) AND c.opened_at < \(range.upperBound)
            """, logger: logger)
        for try await row in rows {
            let (person, opened, topic, urgency, priority, emergency, outOfHours, queued, claimed, closed, outcome, referral,
                satisfaction, firstSeen, firstResponse) = try row.decode(
                    (String, Int64, String?, String?, String?, String?, Bool?, Int64?, Int64?, Int64?, String?, String?, String?,
                        Int64?, Int64?).self)
            facts.append(
                CaseFacts(
                    person: person, personFirstSeenAt: firstSeen, channel: .line, openedAt: opened, topic: topic, urgency: urgency,
                    priority: priority.flatMap(Priority.init(rawValue:)), emergency: emergency, outOfHours: outOfHours ?? false,
                    queuedAt: queued, claimedAt: claimed, firstResponseAt: firstResponse, closedAt: closed, outcome: outcome,
                    referral: referral, satisfaction: satisfaction))
        }
        return facts
    }
}
