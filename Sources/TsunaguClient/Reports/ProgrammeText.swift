import Foundation
import TsunaguCore

/// The programme report as text: the table the city publishes (目標・KPI, 事業の概要, by month), and CSV.
enum ProgrammeText {
    /// 令和 years count from 2019; the city names its fiscal years by them.
    static func yearName(_ fiscalYear: Int) -> String { "令和\(fiscalYear - 2018)年度（\(fiscalYear)年4月〜\(fiscalYear + 1)年3月）" }

    static func kpi(_ report: ProgrammeReport) -> String {
        var rows = [
            ["目標・KPI", "目標", "実績", "達成率"],
            [report.kpi.name, number(report.kpi.target), number(report.kpi.actual), report.kpi.achievementPercent.map { "\($0)%" } ?? "－"],
        ]
        if let indicator = report.indicator {
            rows.append([
                "「\(indicator.name)」（％）", percent(indicator.targetPercent), percent(indicator.percent),
                indicator.targetPercent > 0 ? "\(Int(indicator.percent * 100 / indicator.targetPercent))%" : "－",
            ])
        }
        return columns(rows, leftAligned: 1) + "\n" + "  \(report.kpi.name) = \(report.kpi.formula)"
    }

    static func table(_ report: ProgrammeReport) -> String {
        let year = report.year
        let channels = ["line", "phone", "visit", "onsite"].compactMap { id -> String? in
            guard let count = year.consultationsByChannel[id], count != .count(0) else { return nil }
            return "\(report.labels["channel"]?[id] ?? id) \(count)"
        }
        var overview: [[String]] = [
            ["事業の概要", "件数・人数", ""],
            ["相談件数（件）", number(year.consultations), channels.joined(separator: "、")],
            ["スーツレンタル利用件数（件）", number(year.suitRentals), ""],
            ["生理用品提供件数（件）", number(year.products), "\(year.productFacilities)施設"],
            ["居場所参加者数（人）", number(year.dropInParticipants), "\(year.dropInSessions)回"],
            [
                "イベント参加者数（人）", number(year.eventParticipants + year.eventParticipantsRepeated),
                year.eventParticipantsRepeated > 0 ? "うち再掲 \(number(year.eventParticipantsRepeated))" : "",
            ],
        ]
        if year.onSiteSessions > 0 { overview.append(["  居場所での出張相談（人）", year.onSiteConsulted.description, "\(year.onSiteSessions)回"]) }
        var monthly = [["月", "相談", "スーツ", "居場所", "生理用品", "イベント", "利用者数"]]
        for row in report.months + [year] {
            monthly.append([
                row.period.isFiscalYear ? "合計" : "\(row.period.from.month)月", number(row.consultations), number(row.suitRentals),
                number(row.dropInParticipants), number(row.products), number(row.eventParticipants + row.eventParticipantsRepeated),
                number(row.users),
            ])
        }
        var lines = [
            "\(yearName(report.fiscalYear)) 事業報告（<\(report.k): \(report.k)未満、x: 秘匿）", "", kpi(report), "",
            columns(overview, leftAligned: 1, notes: true),
            "", columns(monthly, leftAligned: 1),
        ]
        if !report.events.isEmpty {
            lines +=
                ["", "イベント"]
                + report.events.map { event in
                    "  \(event.date)  \(event.name)  \(event.participants)人" + (event.countedIn == nil ? "" : "（再掲）")
                }
        }
        return lines.joined(separator: "\n")
    }

    static func csv(_ report: ProgrammeReport) -> String {
        var lines = ["section,period,key,value"]
        func add(_ section: String, _ period: String, _ key: String, _ value: any CustomStringConvertible) {
            lines.append([section, period, key, "\(value)"].map(field).joined(separator: ","))
        }
        add("kpi", "\(report.fiscalYear)", "name", report.kpi.name)
        add("kpi", "\(report.fiscalYear)", "target", report.kpi.target)
        add("kpi", "\(report.fiscalYear)", "actual", report.kpi.actual)
        add("kpi", "\(report.fiscalYear)", "achievement_percent", report.kpi.achievementPercent.map(String.init) ?? "")
        if let indicator = report.indicator {
            add("indicator", "\(indicator.fiscalYear)", "name", indicator.name)
            add("indicator", "\(indicator.fiscalYear)", "percent", indicator.percent)
            add("indicator", "\(indicator.fiscalYear)", "target_percent", indicator.targetPercent)
        }
        for row in report.months + [report.year] {
            let period = row.period.isFiscalYear ? "\(report.fiscalYear)" : "\(CivilMonth(row.period.from))"
            add("users", period, "", row.users)
            add("consultations", period, "", row.consultations)
            for (channel, count) in row.consultationsByChannel.sorted(by: { $0.key < $1.key }) { add("consultations", period, channel, count) }
            add("suits", period, "", row.suitRentals)
            for (purpose, count) in row.suitsByPurpose.sorted(by: { $0.key < $1.key }) { add("suits", period, purpose, count) }
            add("suits", period, "listened", row.suitsListened)
            add("suits", period, "referred", row.suitsReferred)
            add("dropin", period, "sessions", row.dropInSessions)
            add("dropin", period, "", row.dropInParticipants)
            for (place, count) in row.dropInByPlace.sorted(by: { $0.key < $1.key }) { add("dropin", period, place, count) }
            add("dropin", period, "onsite_sessions", row.onSiteSessions)
            add("dropin", period, "onsite_consulted", row.onSiteConsulted)
            add("products", period, "", row.products)
            add("products", period, "facilities", row.productFacilities)
            add("events", period, "", row.eventParticipants)
            add("events", period, "repeated", row.eventParticipantsRepeated)
        }
        for (facility, count) in report.productsByFacility.sorted(by: { $0.key < $1.key }) {
            add("products", "\(report.fiscalYear)", facility, count)
        }
        for event in report.events {
            add("event", "\(event.date)", event.name, "\(event.participants)" + (event.countedIn == nil ? "" : " (\(event.countedIn!.rawValue))"))
        }
        return lines.joined(separator: "\n")
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    private static func field(_ text: String) -> String {
        guard text.contains(where: { ",\"\n\r".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func number(_ value: Int) -> String { value.formatted() }

    private static func percent(_ value: Double) -> String { String(format: "%.1f%%", value) }

    /// Rows padded to their columns' display widths: the first `leftAligned` columns (and a last column of notes)
    /// to the left, the figures to the right.
    private static func columns(_ rows: [[String]], leftAligned: Int, notes: Bool = false) -> String {
        let count = rows.map(\.count).max() ?? 0
        let widths = (0..<count).map { column in rows.map { $0.count > column ? StatisticsText.displayWidth($0[column]) : 0 }.max() ?? 0 }
        return rows.map { cells in
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - StatisticsText.displayWidth(cell))
                return column < leftAligned || notes && column == count - 1 ? cell + padding : padding + cell
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n")
    }
}
