import ArgumentParser
import Foundation
import TsunaguCore

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

        enum Report: String, ExpressibleByArgument {
            /// The programme's KPI table alone.
            case kpi
            /// The programme's annual report: every service, by month.
            case programme
        }

        @Option(help: ArgumentHelp("A calendar month, YYYY-MM.", valueName: "month")) var month: String?
        @Option(help: ArgumentHelp("The fiscal year starting in April of this year, e.g. 2026 for April 2026 to March 2027.", valueName: "year"))
        var fiscalYear: Int?
        @Option(help: ArgumentHelp("The first day, YYYY-MM-DD: the 1st of a month, or 1 April for a fiscal year.", valueName: "date"))
        var from: String?
        @Option(help: ArgumentHelp("The last day, YYYY-MM-DD: the month's last day, or 31 March.", valueName: "date")) var to: String?
        @Option(
            help: ArgumentHelp(
                "Print a fixed report for a fiscal year instead: kpi (目標・KPI / 目標 / 実績 / 達成率) or programme (the annual report: KPI, every service, by month).",
                valueName: "name"))
        var report: Report?
        @Flag(help: "Print JSON for scripts.") var json = false
        @Flag(help: "Print CSV (section,key,value) for spreadsheets.") var csv = false
        @Option(help: ArgumentHelp("Also write a self-contained HTML page (Japanese, with charts) to this file.", valueName: "file"))
        var html: String?

        func validate() throws {
            for (name, value) in [("--from", from), ("--to", to)] {
                if let value, CivilDate(value) == nil { throw ValidationError("\(name) must be a date written YYYY-MM-DD.") }
            }
            if json && csv { throw ValidationError("Give --json or --csv, not both.") }
            if [month != nil, fiscalYear != nil, from != nil || to != nil].filter({ $0 }).count > 1 {
                throw ValidationError("Give one of --month, --fiscal-year or --from/--to.")
            }
            if let month, Self.month(month) == nil { throw ValidationError("--month must be a month written YYYY-MM.") }
            if let report, month != nil || from != nil || to != nil {
                throw ValidationError("--report \(report.rawValue) is for a fiscal year: give --fiscal-year, or nothing for this one.")
            }
        }

        /// `YYYY-MM` as a period.
        static func month(_ text: String) -> StatisticsPeriod? {
            let parts = text.split(separator: "-")
            guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
                (1...12).contains(month)
            else { return nil }
            return .month(year, month)
        }

        func run() async throws {
            if let report { return try await programme(report) }
            var from = from, to = to
            let chosen: StatisticsPeriod? =
                if let month { Self.month(month) }
                else if let fiscalYear { .fiscalYear(fiscalYear) }
                else { nil }
            if let chosen { (from, to) = ("\(chosen.from)", "\(chosen.to)") }
            let query = [("from", from), ("to", to)].compactMap { name, value in value.map { "\(name)=\($0)" } }.joined(separator: "&")
            let stats: PublishedStatistics = try await StaffClient.session { client in
                try await client.get("/api/v1/stats" + (query.isEmpty ? "" : "?" + query))
            }
            if let html {
                guard FileManager.default.createFile(atPath: html, contents: Data(StatisticsHTML.page(stats).utf8)) else {
                    throw CLIFailure("Cannot write \(html); check that its folder exists and is writable.")
                }
            }
            if json { return try Terminal.printJSON(stats) }
            if csv { return Terminal.say(StatisticsText.csv(stats)) }
            Terminal.say(StatisticsText.table(stats))
        }

        /// The programme's report (or its KPI alone) for a fiscal year.
        private func programme(_ report: Report) async throws {
            let today = JapanTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)).date
            let year = fiscalYear ?? StatisticsPeriod.fiscalYear(of: today)
            let programme: ProgrammeReport = try await StaffClient.session { client in try await client.get(ProgrammePaths.report(fiscalYear: year)) }
            if let html {
                guard FileManager.default.createFile(atPath: html, contents: Data(ProgrammeHTML.page(programme).utf8)) else {
                    throw CLIFailure("Cannot write \(html); check that its folder exists and is writable.")
                }
            }
            if json { return try Terminal.printJSON(programme) }
            if csv { return Terminal.say(ProgrammeText.csv(programme)) }
            Terminal.say(report == .kpi ? ProgrammeText.kpi(programme) : ProgrammeText.table(programme))
        }
    }
}

/// Statistics as text: the 80-column summary, the KPI table and CSV.
enum StatisticsText {
    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    static func table(_ stats: PublishedStatistics) -> String {
        var lines = [
            "Statistics \(stats.period.from) to \(stats.period.to) (<\(stats.k): fewer than \(stats.k); x: withheld)", "",
            row("People reached", "\(stats.people) of a target of \(stats.peopleTarget)"
                + (stats.achievementPercent.map { " (\($0) %)" } ?? "")),
            row("Returning people", "\(stats.returningPeople)"),
            row("Consultations", "\(stats.consultations)"),
            row("Emergencies", "\(stats.emergencies)"),
            row("Out of hours", "\(stats.outOfHours)"),
            row("Wait (minutes)", stats.wait.map(describe) ?? "-"),
        ]
        for (urgency, wait) in stats.waitByUrgency.sorted(by: { $0.key < $1.key }) { lines.append(row("  \(urgency)", describe(wait))) }
        for (slot, wait) in stats.waitBySlot.sorted(by: { $0.key < $1.key }) { lines.append(row("  \(slot)", describe(wait))) }
        lines.append(row("First reply (minutes)", stats.firstResponse.map(describe) ?? "-"))
        for (urgency, wait) in stats.firstResponseByUrgency.sorted(by: { $0.key < $1.key }) { lines.append(row("  \(urgency)", describe(wait))) }
        for (title, cells) in [
            ("By channel", stats.byChannel), ("By topic", stats.byTopic), ("By urgency", stats.byUrgency),
            ("By outcome", stats.byOutcome), ("By referral", stats.byReferral), ("Satisfaction", stats.bySatisfaction),
        ] where !cells.isEmpty {
            lines += ["", title] + pairs(cells)
        }
        lines += ["", "Arrivals by weekday and hour (Japan time; ++: a hundred or more)", "     " + (0..<24).map { String(format: "%3d", $0) }.joined()]
        for (weekday, row) in stats.heatmap.enumerated() {
            lines.append(weekdays[weekday] + "  " + row.map { cell in
                let text = (cell.value ?? 0) > 99 ? "++" : cell.description
                return String(repeating: " ", count: max(0, 3 - text.count)) + text
            }.joined())
        }
        return lines.joined(separator: "\n")
    }

    static func csv(_ stats: PublishedStatistics) -> String {
        var lines = ["section,key,value"]
        lines += [
            "people,,\(stats.people)", "people_target,,\(stats.peopleTarget)",
            "achievement_percent,,\(stats.achievementPercent.map(String.init) ?? "")", "returning_people,,\(stats.returningPeople)",
            "consultations,,\(stats.consultations)", "emergencies,,\(stats.emergencies)", "out_of_hours,,\(stats.outOfHours)",
        ]
        if let wait = stats.wait { lines += ["wait_p50_minutes,,\(wait.p50)", "wait_p90_minutes,,\(wait.p90)"] }
        if let reply = stats.firstResponse { lines += ["first_reply_p50_minutes,,\(reply.p50)", "first_reply_p90_minutes,,\(reply.p90)"] }
        for band in StatisticsReport.waitBandNames {
            lines.append("wait_minutes,\(band.name),\(stats.waitBands[band.name] ?? .count(0))")
        }
        for (section, cells) in [
            ("channel", stats.byChannel), ("topic", stats.byTopic), ("urgency", stats.byUrgency), ("outcome", stats.byOutcome),
            ("referral", stats.byReferral), ("satisfaction", stats.bySatisfaction),
        ] {
            for (key, value) in cells.sorted(by: { $0.key < $1.key }) { lines.append("\(section),\(key),\(value)") }
        }
        for (weekday, row) in stats.heatmap.enumerated() {
            for (hour, cell) in row.enumerated() { lines.append("arrivals,\(weekdays[weekday]) \(String(format: "%02d", hour)),\(cell)") }
        }
        return lines.joined(separator: "\n")
    }

    private static func row(_ label: String, _ value: String) -> String { Terminal.pad(label, 22) + value }

    private static func describe(_ wait: Percentiles) -> String {
        "p50 \(minutes(wait.p50)), p90 \(minutes(wait.p90)) (\(wait.count) cases)"
    }

    private static func minutes(_ value: Double) -> String { value.rounded() == value ? "\(Int(value))" : String(format: "%.1f", value) }

    private static func count(_ value: PublishedCount) -> String { value.value?.formatted() ?? value.description }

    /// Two `key value` pairs a line, the largest first, hidden cells last.
    private static func pairs(_ cells: [String: PublishedCount]) -> [String] {
        let sorted = cells.sorted { ($0.value.value ?? -1, $1.key) > ($1.value.value ?? -1, $0.key) }
        let items = sorted.map { Terminal.pad("  " + $0.key, 26) + String(repeating: " ", count: max(0, 6 - $0.value.description.count)) + $0.value.description }
        return stride(from: 0, to: items.count, by: 2).map { index in
            items[index] + (index + 1 < items.count ? "    " + items[index + 1] : "")
        }
    }

    /// Columns a terminal gives `text`: two for East Asian wide characters.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            let value = scalar.value
            let wide = (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value) || (0xAC00...0xD7A3).contains(value)
                || (0xF900...0xFAFF).contains(value) || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
                || (0xFFE0...0xFFE6).contains(value)
            return width + (wide ? 2 : 1)
        }
    }
}
