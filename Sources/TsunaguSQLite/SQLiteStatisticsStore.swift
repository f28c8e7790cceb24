import Foundation
import GRDB
public import TsunaguCore

/// The records statistics are computed from, on SQLite (see ``StatisticsStore``).
public struct SQLiteStatisticsStore: StatisticsStore {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    public func record(_ consultation: CaseFacts, by actor: String) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: "INSERT INTO offline_consultation (held_at, channel, topic, outcome, referral) VALUES (?, ?, ?, ?, ?)",
                arguments: [consultation.openedAt, consultation.channel.rawValue, consultation.topic, consultation.outcome, consultation.referral])
            try SQLiteAuditLog.append(
                actor: actor, action: "consultation.record", detail: "\(consultation.channel.rawValue), \(consultation.outcome ?? "-")",
                chain: database.auditChain, in: db)
        }
    }

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
            // Columns by position, through a cursor: a year of a busy office is 100,000 rows.
            var facts = offline
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT c.conversation, c.opened_at, c.topic, c.urgency, c.priority, c.emergency, c.out_of_hours, c.queued_at,
                        c.claimed_at, c.closed_at, c.outcome, c.referral, c.satisfaction,
                        (SELECT MIN(f.opened_at) FROM triage_case f WHERE f.conversation = c.conversation) AS first_seen,
                        c.first_response_at
                    FROM triage_case c WHERE c.opened_at >= ? AND c.opened_at < ?
                    """,
                arguments: [range.lowerBound, range.upperBound])
            while let row = try rows.next() {
                facts.append(
                    CaseFacts(
                        person: row[0], personFirstSeenAt: row[13], channel: .line, openedAt: row[1], topic: row[2], urgency: row[3],
                        priority: (row[4] as String?).flatMap(Priority.init(rawValue:)), emergency: row[5], outOfHours: row[6] ?? false,
                        queuedAt: row[7], claimedAt: row[8], firstResponseAt: row[14], closedAt: row[9], outcome: row[10], referral: row[11],
                        satisfaction: row[12]))
            }
            return facts
        }
    }

    public func append(_ record: ProgrammeRecord, at now: Int64, by actor: String) async throws -> Int64 {
        let body = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        return try await database.writer.write { db in
            try db.execute(
                sql: "INSERT INTO programme_record (kind, dated_on, recorded_at, body) VALUES (?, ?, ?, ?)",
                arguments: [record.kind.rawValue, record.date.epochDays, now, body])
            let number = db.lastInsertedRowID
            try SQLiteAuditLog.append(
                actor: actor, action: record.withdrawnNumber == nil ? "programme.record" : "programme.withdraw",
                detail: "#\(number) \(record.kind.rawValue): \(record.auditDetail)", chain: database.auditChain, in: db)
            return number
        }
    }

    public func programmeRecords(datedIn period: StatisticsPeriod) async throws -> [NumberedProgrammeRecord] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, recorded_at, body FROM programme_record WHERE dated_on BETWEEN ? AND ? ORDER BY id",
                arguments: [period.from.epochDays, period.to.epochDays]
            ).map(Self.entry)
        }
    }

    public func programmeRecord(number: Int64) async throws -> NumberedProgrammeRecord? {
        try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT id, recorded_at, body FROM programme_record WHERE id = ?", arguments: [number]).map(Self.entry)
        }
    }

    private static func entry(_ row: Row) throws -> NumberedProgrammeRecord {
        let body: String = row[2]
        return NumberedProgrammeRecord(
            number: row[0], recordedAt: row[1], record: try JSONDecoder().decode(ProgrammeRecord.self, from: Data(body.utf8)))
    }
}
