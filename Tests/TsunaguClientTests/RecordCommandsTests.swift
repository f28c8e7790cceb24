import Foundation
import Testing
import TsunaguClient

/// `tsunagu record …` and `tsunagu stats`: the routes, the bodies and the texts.
@Suite("the programme's records and the statistics over a recording transport")
struct RecordCommandsTests {
    static let entry = #"{"number":12,"kind":"suit","status":"recorded"}"#

    static let cases: [CommandCase] = [
        .init(
            testDescription: "consultation", route: "POST /api/v1/consultations", answer: #"{"status":"recorded","channel":"phone"}"#,
            body: #"{"channel":"phone","topic":"work","outcome":"listened","date":"2026-12-01"}"#,
            output: "Recorded a phone consultation (work, listened).\n"
        ) { try await $0.recordConsultation(channel: "phone", topic: "work", outcome: "listened", referral: nil, date: "2026-12-01") },
        .init(
            testDescription: "suit", route: "POST /api/v1/records/suits", answer: entry,
            body: #"{"purpose":"interview","listened":true,"referral":"hellowork"}"#, output: "Recorded a suit rental as entry #12.\n"
        ) { try await $0.recordSuit(purpose: "interview", listened: true, referral: "hellowork", date: nil) },
        .init(
            testDescription: "drop-in", route: "POST /api/v1/records/dropins", answer: entry,
            body: #"{"place":"cafe","participants":9,"consulted":2,"date":"2026-12-05"}"#, output: "Recorded a drop-in session as entry #12.\n"
        ) { try await $0.recordDropIn(place: "cafe", participants: 9, consulted: 2, date: "2026-12-05") },
        .init(
            testDescription: "products", route: "POST /api/v1/records/products", answer: entry,
            body: #"{"facility":"city-hall","count":30,"month":"2026-11"}"#, output: "Recorded products as entry #12.\n"
        ) { try await $0.recordProducts(facility: "city-hall", count: 30, month: "2026-11") },
        .init(
            testDescription: "event", route: "POST /api/v1/records/events", answer: entry,
            body: #"{"name":"国際女性デー","participants":12,"countedIn":"dropin"}"#, output: "Recorded an event as entry #12.\n"
        ) { try await $0.recordEvent(name: "国際女性デー", participants: 12, countedIn: "dropin", date: nil) },
        .init(
            testDescription: "indicator", route: "POST /api/v1/records/indicator", answer: entry,
            body: #"{"name":"平等だと感じる割合","fiscalYear":2025,"percent":12.5,"targetPercent":25}"#, output: "Recorded the indicator as entry #12.\n"
        ) { try await $0.recordIndicator(name: "平等だと感じる割合", fiscalYear: 2025, percent: 12.5, target: 25) },
        .init(
            testDescription: "withdraw", route: "POST /api/v1/records/7/withdraw", answer: entry, output: "Withdrew entry 7 (withdrawal #12).\n"
        ) { try await $0.withdrawRecord(7) },
        .init(
            testDescription: "list", route: "GET /api/v1/records?fiscalYear=2026",
            answer: #"{"entries":[{"number":7,"kind":"suit","date":"2026-12-01","detail":"work","withdrawnBy":12}]}"#,
            output: "#7     suit       2026-12-01  work  (withdrawn by #12)\n"
        ) { try await $0.listRecords(fiscalYear: 2026, json: false) },
        .init(testDescription: "list, empty", route: "GET /api/v1/records", answer: #"{"entries":[]}"#, output: "No entries.\n") {
            try await $0.listRecords(fiscalYear: nil, json: false)
        },
    ]

    @Test("each record command calls its route, sends its body and prints its text", arguments: cases)
    func record(_ command: CommandCase) async throws {
        try await command.check()
    }

    @Test(
        "stats asks for the month's, the fiscal year's or this fiscal year's figures",
        arguments: [
            (StatisticsRequest(month: "2026-11"), "GET /api/v1/stats?from=2026-11-01&to=2026-11-30"),
            (StatisticsRequest(fiscalYear: 2025), "GET /api/v1/stats?from=2025-04-01&to=2026-03-31"),
            (StatisticsRequest(from: "2026-11-01", to: "2026-11-30"), "GET /api/v1/stats?from=2026-11-01&to=2026-11-30"),
            (StatisticsRequest(), "GET /api/v1/stats"),
            (StatisticsRequest(report: .kpi), "GET /api/v1/stats/programme?fiscalYear=2026"),
            (StatisticsRequest(fiscalYear: 2024, report: .programme), "GET /api/v1/stats/programme?fiscalYear=2024"),
        ])
    func statistics(_ request: StatisticsRequest, route: String) async throws {
        let desk = Desk([route: "{}"])
        // `{}` is no report: the answer is refused in one sentence, after the request the test reads.
        await #expect(throws: CLIFailure("The server's answer was not understood; is http://127.0.0.1:8081 a Tsunagu staff listener?")) {
            try await desk.commands.statistics(request)
        }
        #expect(desk.server.routes == [route])
    }

    @Test(
        "stats refuses a period that is not a calendar month or a fiscal year, before asking",
        arguments: [
            (StatisticsRequest(month: "2026-13"), "--month must be a month written YYYY-MM."),
            (StatisticsRequest(from: "2026-11-31"), "--from must be a date written YYYY-MM-DD."),
            (StatisticsRequest(json: true, csv: true), "Give --json or --csv, not both."),
            (StatisticsRequest(month: "2026-11", fiscalYear: 2026), "Give one of --month, --fiscal-year or --from/--to."),
            (
                StatisticsRequest(month: "2026-11", report: .programme),
                "--report programme is for a fiscal year: give --fiscal-year, or nothing for this one."
            ),
        ])
    func badPeriod(_ request: StatisticsRequest, sentence: String) {
        #expect(throws: UsageError(sentence)) { try request.check() }
    }

    @Test("record's checks refuse what the server would")
    func recordChecks() {
        #expect(throws: UsageError("--date must be a date written YYYY-MM-DD.")) { try ArgumentChecks.date("2026-02-30") }
        #expect(throws: UsageError("--month must be a month written YYYY-MM.")) { try ArgumentChecks.month("11-2026") }
        #expect(throws: UsageError.self) { try ArgumentChecks.suitPurpose("party") }
        #expect(throws: UsageError("--counted-in takes dropin.")) { try ArgumentChecks.countedIn("event") }
        #expect(throws: Never.self) {
            try ArgumentChecks.date("2026-02-28")
            try ArgumentChecks.suitPurpose("interview")
            try ArgumentChecks.countedIn(nil)
        }
    }
}
