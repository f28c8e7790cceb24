import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// `GET /api/v1/stats`: supervisors only, protected counts, nothing that names anyone.
@Suite("Statistics API")
struct StatisticsAPITests {
    /// 12 work and 2 money consultations by 13 people in November 2026 (one person twice), one greeting, and one
    /// case in October.
    private func insertCases(into harness: TestHarness) async throws {
        let queue = try DatabaseQueue(path: harness.database.path)
        defer { try? queue.close() }
        let day: @Sendable (Int, Int) -> Int64 = { month, day in
            JapanTime(date: CivilDate(year: 2026, month: month, day: day), minuteOfDay: 11 * 60).milliseconds
        }
        try await queue.write { db in
            var rows: [(String, Int64, String?, Int64?)] = []  // person, opened, topic, queued
            for index in 0..<12 { rows.append(("pseudonym-\(index)", day(11, 2 + index), "work", day(11, 2 + index) + 60_000)) }
            rows.append(("pseudonym-0", day(11, 20), "money", day(11, 20) + 60_000))
            rows.append(("pseudonym-12", day(11, 21), "money", day(11, 21) + 60_000))
            rows.append(("pseudonym-13", day(11, 22), nil, nil))
            rows.append(("pseudonym-14", day(10, 15), "work", day(10, 15) + 60_000))
            for (index, row) in rows.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO triage_case (id, handle, conversation, opened_at, topic, urgency, priority, out_of_hours, queued_at)
                        VALUES (?, ?, ?, ?, ?, 'today', 'normal', 0, ?)
                        """,
                    arguments: ["case-\(index)", "H\(100 + index)", row.0, row.1, row.2, row.3])
            }
        }
    }

    private func post(_ json: String, as token: String, on client: some TestClientProtocol) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/consultations", method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: ByteBuffer(string: json))
    }

    private func get(_ uri: String, token: String, on client: some TestClientProtocol) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"])
    }

    @Test func supervisorsReadProtectedFiguresAndNothingElse() async throws {
        let harness = try TestHarness()
        try await insertCases(into: harness)
        let supervisor = try await harness.addStaff("tanaka", .supervisor)
        let counsellor = try await harness.addStaff("sato", .counsellor)
        let admin = try await harness.addStaff("root", .admin)
        try await harness.staffApp().test(.router) { client in
            let answer = try await get("/api/v1/stats?from=2026-11-01&to=2026-11-30", token: supervisor, on: client)
            #expect(answer.status == .ok)
            let body = String(buffer: answer.body)
            let stats = try JSONDecoder().decode(PublishedStatistics.self, from: Data(body.utf8))
            #expect(stats.people == .count(14))
            #expect(stats.consultations == .count(14))
            #expect(stats.returningPeople == .count(0))
            #expect(stats.peopleTarget == 1000 && stats.achievementPercent == 1)
            // Two money consultations are hidden; with the total of 14 published, work is withheld too.
            #expect(stats.byTopic == ["work": .withheld, "money": .suppressed(below: 5)])
            #expect(body.contains(#""money":"<5""#) && body.contains(#""work":"x""#))
            #expect(!body.contains("pseudonym"), "a pseudonym left the server")

            // October alone: one person. The total is shown; with a total below five, every topic is hidden.
            let october = try JSONDecoder().decode(
                PublishedStatistics.self,
                from: Data(String(buffer: try await get("/api/v1/stats?from=2026-10-01&to=2026-10-31", token: supervisor, on: client).body).utf8))
            #expect(october.people == .count(1) && october.achievementPercent == 0)
            #expect(october.byTopic == ["work": .suppressed(below: 5), "money": .suppressed(below: 5)])
            // The fiscal year: money hidden as in November, so the year less the months gives nothing away.
            let year = try JSONDecoder().decode(
                PublishedStatistics.self,
                from: Data(String(buffer: try await get("/api/v1/stats?from=2026-04-01&to=2027-03-31", token: supervisor, on: client).body).utf8))
            #expect(year.consultations == .count(15) && year.byTopic["money"] == .suppressed(below: 5) && year.byTopic["work"] == .withheld)
            // Any other period is refused: it could be set against an overlapping one.
            for query in ["from=2026-11-03&to=2026-11-30", "from=2026-11-01&to=2026-12-31", "from=2026-01-01&to=2026-12-31"] {
                let refused = try await get("/api/v1/stats?\(query)", token: supervisor, on: client)
                #expect(refused.status == .badRequest && String(buffer: refused.body).contains("unpublished_period"), "\(query)")
            }

            #expect(try await get("/api/v1/stats", token: counsellor, on: client).status == .forbidden)
            #expect(try await get("/api/v1/stats", token: admin, on: client).status == .forbidden)
            #expect(try await get("/api/v1/stats?from=2026-11-31", token: supervisor, on: client).status == .badRequest)
            #expect(try await get("/api/v1/stats?from=2026-12-01&to=2026-11-01", token: supervisor, on: client).status == .badRequest)
            // A supervisor reads statistics and the queue, never a case.
            #expect(try await get("/api/v1/cases/H100", token: supervisor, on: client).status == .forbidden)
            #expect(try await get("/api/v1/mine", token: supervisor, on: client).status == .forbidden)
            #expect(
                try await client.execute(uri: "/api/v1/queue/claim", method: .post, headers: [.authorization: "Bearer \(supervisor)"]).status
                    == .forbidden)
        }
    }

    @Test func counsellorsLogPhoneAndVisitConsultationsThatCount() async throws {
        // The 20th of November: the month still takes entries.
        let now = JapanTime(date: CivilDate(year: 2026, month: 11, day: 20), minuteOfDay: 600).milliseconds
        let clock = ManualClock(at: now).clock
        let harness = try TestHarness(
            clock: clock,
            decider: { logger in
                TriageDecider(
                    engine: ScriptFixture.engine, dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!, clock: clock, ids: RealTime.ids,
                    logger: logger)
            })
        try await insertCases(into: harness)
        let supervisor = try await harness.addStaff("tanaka", .supervisor)
        let counsellor = try await harness.addStaff("sato", .counsellor)
        try await harness.staffApp().test(.router) { client in
            for index in 0..<6 {
                let channel = index < 4 ? "phone" : "visit"
                let answer = try await post(
                    #"{"channel":"\#(channel)","topic":"work","outcome":"referred","referral":"hellowork","date":"2026-11-10"}"#,
                    as: counsellor, on: client)
                #expect(answer.status == .created, "\(String(buffer: answer.body))")
            }
            #expect(
                String(buffer: try await post(#"{"channel":"phone","topic":"gossip","outcome":"listened"}"#, as: counsellor, on: client).body)
                    .contains("unknown_topic"))
            #expect(
                String(buffer: try await post(#"{"channel":"line","topic":"work","outcome":"listened"}"#, as: counsellor, on: client).body)
                    .contains("unknown_channel"))
            #expect(
                try await post(#"{"channel":"phone","topic":"work","outcome":"listened","date":"11/10"}"#, as: counsellor, on: client).status
                    == .badRequest)
            #expect(try await post(#"{"channel":"phone","topic":"work","outcome":"listened"}"#, as: supervisor, on: client).status == .forbidden)

            let stats = try JSONDecoder().decode(
                PublishedStatistics.self,
                from: Data(String(buffer: try await get("/api/v1/stats?from=2026-11-01&to=2026-11-30", token: supervisor, on: client).body).utf8))
            // 14 LINE consultations by 13 people, and 6 logged ones, each counted as a person.
            #expect(stats.consultations == .count(20) && stats.people == .count(20))
            // Phone (4) and visit (2) hide each other only with line's figure withheld as well.
            #expect(stats.byChannel == ["line": .withheld, "phone": .suppressed(below: 5), "visit": .suppressed(below: 5)])
            #expect(stats.byTopic == ["work": .withheld, "money": .suppressed(below: 5)])
            #expect(stats.byReferral == ["hellowork": .count(6)])
        }
        let recorded = try await SQLiteAuditLog(database: harness.database).entries().filter { $0.action == "consultation.record" }
        #expect(recorded.count == 6 && recorded.allSatisfy { $0.actor == "sato" })
    }
}
