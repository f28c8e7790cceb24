import ArgumentParser
import TsunaguClient

extension Tsunagu {
    /// `tsunagu stats`: the programme's figures for supervisors.
    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a month's or a fiscal year's statistics (supervisors): people reached against the KPI, consultations, waits.",
            discussion: """
                Computed from anonymous records only. Counts from 1 to 4 are shown as <5, and a count shown as x is \
                withheld so that a small one cannot be worked out from the totals, from the year less its months, or \
                from any other sum of what is published. So statistics are published for a calendar month or a fiscal \
                year (April to March), and for no other period. Without a period: this month; with --report kpi, this \
                fiscal year.
                """)

        @Option(help: ArgumentHelp("A calendar month, YYYY-MM.", valueName: "month")) var month: String?
        @Option(help: ArgumentHelp("The fiscal year starting in April of this year, e.g. 2026 for April 2026 to March 2027.", valueName: "year"))
        var fiscalYear: Int?
        @Option(help: ArgumentHelp("The first day, YYYY-MM-DD: the 1st of a month, or 1 April for a fiscal year.", valueName: "date"))
        var from: String?
        @Option(help: ArgumentHelp("The last day, YYYY-MM-DD: the month's last day, or 31 March.", valueName: "date")) var to: String?
        @Option(
            help: ArgumentHelp(
                "Print a fixed report for a fiscal year instead: kpi (目標・KPI / 目標 / 実績 / 達成率) or programme (the annual report: KPI, every service, by month).",
                valueName: "name"),
            transform: Self.report)
        var report: StatisticsRequest.Report?
        @Flag(help: "Print JSON for scripts.") var json = false
        @Flag(help: "Print CSV (section,key,value) for spreadsheets.") var csv = false
        @Option(help: ArgumentHelp("Also write a self-contained HTML page (Japanese, with charts) to this file.", valueName: "file"))
        var html: String?

        private var request: StatisticsRequest {
            StatisticsRequest(
                month: month, fiscalYear: fiscalYear, from: from, to: to, report: report,
                json: json, csv: csv, html: html)
        }

        /// `--report`'s values are `StatisticsRequest.Report`'s names, read here rather than listed again.
        private static func report(_ name: String) throws -> StatisticsRequest.Report {
            guard let report = StatisticsRequest.Report(rawValue: name) else {
                let names = StatisticsRequest.Report.allCases.map(\.rawValue).joined(separator: " or ")
                throw ValidationError("--report is \(names), not \(name).")
            }
            return report
        }

        func validate() throws { try usage { () throws(UsageError) in try request.check() } }

        func run() async throws {
            try await Composition.session { try await $0.statistics(request) }
        }
    }
}
