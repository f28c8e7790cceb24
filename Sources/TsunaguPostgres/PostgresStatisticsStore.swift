import Foundation
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
                detail: "\(consultation.channel.rawValue), \(consultation.outcome ?? "-")", chain: database.auditChain,
                at: database.clock.now(), on: connection, logger: logger)
        }
    }

    public func facts(openedIn range: Range<Int64>) async throws -> [CaseFacts] {
        let client = database.client
        let logger = database.logger
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
            let (
                person, opened, topic, urgency, priority, emergency, outOfHours, queued, claimed, closed, outcome, referral,
                satisfaction, firstSeen, firstResponse
            ) = try row.decode(
                (
                    String, Int64, String?, String?, String?, String?, Bool?, Int64?, Int64?, Int64?, String?, String?, String?,
                    Int64?, Int64?
                ).self)
            facts.append(
                CaseFacts(
                    person: person, personFirstSeenAt: firstSeen, channel: .line, openedAt: opened, topic: topic, urgency: urgency,
                    priority: priority.flatMap(Priority.init(rawValue:)), emergency: emergency, outOfHours: outOfHours ?? false,
                    queuedAt: queued, claimedAt: claimed, firstResponseAt: firstResponse, closedAt: closed, outcome: outcome,
                    referral: referral, satisfaction: satisfaction))
        }
        return facts
    }

    public func append(_ record: ProgrammeRecord, at now: Int64, by actor: String) async throws -> Int64 {
        let logger = database.logger
        let body = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        let (kind, dated) = (record.kind.rawValue, record.date.epochDays)
        return try await database.transaction { connection in
            let number = try await connection.query(
                """
                INSERT INTO programme_record (kind, dated_on, recorded_at, body) VALUES (\(kind), \(dated), \(now), \(body))
                RETURNING id
                """, logger: logger
            ).collect()[0].decode(Int64.self)
            try await PostgresAuditLog.append(
                actor: actor, action: record.withdrawnNumber == nil ? "programme.record" : "programme.withdraw",
                detail: "#\(number) \(kind): \(record.auditDetail)", chain: database.auditChain, at: database.clock.now(), on: connection,
                logger: logger)
            return number
        }
    }

    public func programmeRecords(datedIn period: StatisticsPeriod) async throws -> [NumberedProgrammeRecord] {
        let (from, to) = (period.from.epochDays, period.to.epochDays)
        let rows = try await database.client.query(
            "SELECT id, recorded_at, body FROM programme_record WHERE dated_on BETWEEN \(from) AND \(to) ORDER BY id",
            logger: database.logger)
        var entries: [NumberedProgrammeRecord] = []
        for try await (id, recordedAt, body) in rows.decode((Int64, Int64, String).self) {
            entries.append(try Self.entry(id, recordedAt, body))
        }
        return entries
    }

    public func programmeRecord(number: Int64) async throws -> NumberedProgrammeRecord? {
        let rows = try await database.client.query(
            "SELECT id, recorded_at, body FROM programme_record WHERE id = \(number)", logger: database.logger)
        for try await (id, recordedAt, body) in rows.decode((Int64, Int64, String).self) { return try Self.entry(id, recordedAt, body) }
        return nil
    }

    private static func entry(_ number: Int64, _ recordedAt: Int64, _ body: String) throws -> NumberedProgrammeRecord {
        NumberedProgrammeRecord(
            number: number, recordedAt: recordedAt, record: try JSONDecoder().decode(ProgrammeRecord.self, from: Data(body.utf8)))
    }
}
