import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguMeCab
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// The programme's records and report through the staff API, as a supervisor's year would be entered: each
/// month's entries while that month is open, then the annual report.
@Suite("Programme API")
struct ProgrammeAPITests {
    static let fiscalYear = 2025
    static let months = StatisticsPeriod.fiscalYear(fiscalYear).monthsOfFiscalYear

    /// The shipped script with two drop-in places and 81 facilities filled in, as an office would.
    static let engine: TriageEngine = {
        let places = "  places:\n    - id: centre\n      name: 男女共同参画センター\n    - id: library\n      name: 中央図書館\n"
        let facilities = "  facilities:\n" + (0..<81).map { "    - id: f\($0)\n      name: 施設\($0)\n" }.joined()
        let yaml = ScriptFixture.yaml.replacingOccurrences(of: "  places: []\n", with: places)
            .replacingOccurrences(of: "  facilities: []", with: facilities)
        return try! ScriptLoader.load(yaml: yaml, name: "programme script", analyzer: try! MeCabAnalyzer())
    }()

    @Test func theOfficesListsAreChecked() {
        var script = Self.engine.script
        #expect(script.validate().isEmpty && script.programme?.facilities.count == 81)
        script.programme?.places.append(.init(id: "centre", name: "別館"))
        script.programme?.facilities.append(.init(id: "f99", name: " "))
        let problems = script.validate().map(\.path)
        #expect(problems.contains(["programme", "places"]) && problems.contains(["programme", "facilities"]), "\(problems)")
    }

    struct Office {
        let harness: TestHarness
        let clock: ManualClock

        init() throws {
            let clock = ManualClock(at: 0)
            self.clock = clock
            harness = try TestHarness(
                clock: clock.clock,
                decider: { logger in
                    TriageDecider(
                        engine: ProgrammeAPITests.engine, dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!, clock: clock.clock,
                        ids: RealTime.ids, logger: logger)
                })
        }

        /// Moves the clock to a day of the fiscal year's month `index` (April is 0).
        func set(month index: Int, day: Int = 20) {
            let month = ProgrammeAPITests.months[index]
            clock.set(JapanTime(date: CivilDate(year: month.from.year, month: month.from.month, day: day), minuteOfDay: 600).milliseconds)
        }
    }

    private func post(_ path: String, _ json: String, as token: String, on client: some TestClientProtocol) async throws -> TestResponse {
        try await client.execute(
            uri: path, method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: ByteBuffer(string: json))
    }

    private func created(_ path: String, _ json: String, as token: String, on client: some TestClientProtocol) async throws -> Int64 {
        let answer = try await post(path, json, as: token, on: client)
        #expect(answer.status == .created, "\(path): \(String(buffer: answer.body))")
        return (try? JSONDecoder().decode(StaffAPI.RecordedEntry.self, from: Data(String(buffer: answer.body).utf8)))?.number ?? -1
    }

    /// 300 LINE consultations in the case records, 25 a month.
    private func insertLineCases(into harness: TestHarness) async throws {
        let queue = try DatabaseQueue(path: harness.database.path)
        defer { try? queue.close() }
        try await queue.write { db in
            for index in 0..<300 {
                let month = ProgrammeAPITests.months[index % 12]
                let opened = JapanTime(date: month.from.adding(days: 3), minuteOfDay: 11 * 60).milliseconds
                try db.execute(
                    sql: """
                        INSERT INTO triage_case (id, handle, conversation, opened_at, topic, urgency, priority, out_of_hours, queued_at)
                        VALUES (?, ?, ?, ?, 'work', 'today', 'normal', 0, ?)
                        """,
                    arguments: ["case-\(index)", "H\(1000 + index)", "pseudonym-\(index)", opened, opened + 60_000])
            }
        }
    }

    @Test func theSeedYearEnteredMonthByMonthReproducesTheCitysKPI() async throws {
        let office = try Office()
        try await insertLineCases(into: office.harness)
        let counsellor = try await office.harness.addStaff("sato", .counsellor)
        let supervisor = try await office.harness.addStaff("tanaka", .supervisor)
        try await office.harness.staffApp().test(.router) { client in
            for index in 0..<12 {
                office.set(month: index)
                let date = "\(ProgrammeAPITests.months[index].from.adding(days: 9))"
                // 123 logged consultations: 80 by phone (6 or 7 a month), 43 in person (3 or 4 a month).
                let calls = 6 + (index < 8 ? 1 : 0)
                let visits = 3 + (index < 7 ? 1 : 0)
                for call in 0..<(calls + visits) {
                    let channel = call < calls ? "phone" : "visit"
                    _ = try await post(
                        "/api/v1/consultations", #"{"channel":"\#(channel)","topic":"work","outcome":"listened","date":"\#(date)"}"#,
                        as: counsellor, on: client)
                }
                // 23 suits: two a month, one in March.
                for suit in 0..<(index == 11 ? 1 : 2) {
                    _ = try await created(
                        "/api/v1/records/suits",
                        #"{"purpose":"\#(suit == 0 ? "interview" : "child-ceremony")","listened":\#(suit == 0),"date":"\#(date)"}"#,
                        as: counsellor, on: client)
                }
                // 48 sessions with 617 participants: four a month, 13 each but the last with 6.
                for session in 0..<4 {
                    let participants = index == 11 && session == 3 ? 6 : 13
                    _ = try await created(
                        "/api/v1/records/dropins",
                        #"{"place":"\#(session % 2 == 0 ? "centre" : "library")","participants":\#(participants),"date":"\#(date)"}"#,
                        as: supervisor, on: client)
                }
                // 9,191 products from 81 facilities, each facility's handout in one month.
                for facility in stride(from: index, to: 81, by: 12) {
                    let month = "\(CivilMonth(ProgrammeAPITests.months[index].from))"
                    _ = try await created(
                        "/api/v1/records/products", #"{"month":"\#(month)","facility":"f\#(facility)","count":\#(facility == 80 ? 151 : 113)}"#,
                        as: counsellor, on: client)
                }
            }
            // March: the International Women's Day event, already counted in the drop-ins (再掲), and a mistaken
            // suit, withdrawn.
            _ = try await created(
                "/api/v1/records/events", #"{"name":"国際女性デー記念イベント","participants":68,"countedIn":"dropin","date":"2026-03-08"}"#,
                as: supervisor, on: client)
            let mistaken = try await created("/api/v1/records/suits", #"{"purpose":"work"}"#, as: counsellor, on: client)
            _ = try await created("/api/v1/records/\(mistaken)/withdraw", "", as: counsellor, on: client)
            #expect(try await post("/api/v1/records/\(mistaken)/withdraw", "", as: counsellor, on: client).status == .conflict)

            // The year's last day: the survey figure for the year.
            office.set(month: 11, day: 31)
            _ = try await created(
                "/api/v1/records/indicator",
                #"{"name":"社会全体で男女の地位などに差はないと感じている市民の割合","fiscalYear":2025,"percent":12.4,"targetPercent":25}"#,
                as: supervisor, on: client)

            let answer = try await client.execute(
                uri: "/api/v1/stats/programme?fiscalYear=2025", method: .get, headers: [.authorization: "Bearer \(supervisor)"])
            #expect(answer.status == .ok)
            let report = try JSONDecoder().decode(ProgrammeReport.self, from: Data(String(buffer: answer.body).utf8))
            #expect(report.kpi.actual == 1_063 && report.kpi.target == 1_000 && report.kpi.achievementPercent == 106, "\(report.kpi)")
            #expect(report.year.consultations == 423)
            #expect(report.year.consultationsByChannel == ["line": .count(300), "phone": .count(80), "visit": .count(43)])
            #expect(report.year.suitRentals == 23 && report.year.suitsListened == .count(12))
            // A month's four or so in-person consultations are too few to show; the month's total is shown.
            #expect(report.months[0].consultationsByChannel["visit"]?.isHidden == true && report.months[0].consultations == 36)
            #expect(report.year.dropInSessions == 48 && report.year.dropInParticipants == 617)
            #expect(report.year.products == 9_191 && report.year.productFacilities == 81)
            #expect(report.year.eventParticipantsRepeated == 68 && report.year.eventParticipants == 0)
            #expect(report.indicator?.percent == 12.4)
            #expect(report.labels["place"]?["centre"] == "男女共同参画センター")
            #expect(!String(buffer: answer.body).contains("pseudonym"), "a pseudonym left the server")

            // Counsellors keep the records but do not read the report.
            let forbidden = try await client.execute(
                uri: "/api/v1/stats/programme?fiscalYear=2025", method: .get, headers: [.authorization: "Bearer \(counsellor)"])
            #expect(forbidden.status == .forbidden)
        }
        let audit = try await SQLiteAuditLog(database: office.harness.database).entries()
        // 23 suits and the mistaken one, 48 sessions, 81 handouts, the event and the indicator.
        let recorded = audit.filter { $0.action == "programme.record" }.count
        #expect(recorded == 155)
        #expect(audit.filter { $0.action == "programme.withdraw" }.count == 1)
    }

    @Test func publishedMonthsAndBadEntriesAreRefusedAndChangeNothing() async throws {
        let office = try Office()
        let counsellor = try await office.harness.addStaff("sato", .counsellor)
        let admin = try await office.harness.addStaff("root", .admin)
        office.set(month: 2)  // 20 June 2025
        try await office.harness.staffApp().test(.router) { client in
            func status(_ path: String, _ json: String, as token: String? = nil) async throws -> HTTPResponse.Status {
                try await post(path, json, as: token ?? counsellor, on: client).status
            }
            // April closed on 10 May: back-dating into a published month is refused, for every kind of entry.
            let closed = try await post("/api/v1/records/suits", #"{"purpose":"work","date":"2025-04-30"}"#, as: counsellor, on: client)
            #expect(closed.status == .conflict && String(buffer: closed.body).contains("month_closed"))
            let refused: [(String, String, String?, HTTPResponse.Status)] = [
                ("/api/v1/consultations", #"{"channel":"phone","topic":"work","outcome":"listened","date":"2025-05-31"}"#, nil, .conflict),
                ("/api/v1/records/dropins", #"{"place":"centre","participants":5,"date":"2025-06-21"}"#, nil, .badRequest),
                ("/api/v1/records/dropins", #"{"place":"park","participants":5}"#, nil, .badRequest),
                ("/api/v1/records/dropins", #"{"place":"centre","participants":"many"}"#, nil, .badRequest),
                ("/api/v1/records/products", #"{"facility":"f1","count":10,"month":"2025-6"}"#, nil, .badRequest),
                ("/api/v1/records/suits", #"{"purpose":"party"}"#, nil, .badRequest),
                ("/api/v1/records/events", #"{"name":"講演会","participants":10,"countedIn":"suits"}"#, nil, .badRequest),
                ("/api/v1/records/indicator", #"{"name":"割合","fiscalYear":2025,"percent":12.4,"targetPercent":25}"#, nil, .forbidden),
                ("/api/v1/records/suits", #"{"purpose":"work"}"#, admin, .forbidden),
                ("/api/v1/records/99/withdraw", "", nil, .notFound),
                ("/api/v1/records/abc/withdraw", "", nil, .badRequest),
            ]
            for (path, json, token, expected) in refused {
                let answer = try await status(path, json, as: token)
                #expect(answer == expected, "\(path) \(json)")
            }
            let list = try await client.execute(
                uri: "/api/v1/records?fiscalYear=2025", method: .get, headers: [.authorization: "Bearer \(counsellor)"])
            #expect(String(buffer: list.body) == #"{"entries":[]}"#)
        }
        let entries = try await SQLiteAuditLog(database: office.harness.database).entries()
        #expect(entries.allSatisfy { $0.action == "staff.add" }, "a refused entry was audited: \(entries.map(\.action))")
    }
}
