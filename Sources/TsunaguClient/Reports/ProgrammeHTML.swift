import Foundation
import TsunaguCore

/// The programme report as one self-contained page in Japanese (like ``StatisticsHTML``): 目標・KPI with the
/// achievement bar, 事業の概要, the months as a table and a chart, the channels and the events.
enum ProgrammeHTML {
    static func page(_ report: ProgrammeReport) -> String {
        let title = "\(ProgrammeText.yearName(report.fiscalYear)) 事業報告"
        let year = report.year
        let channelLabels = report.labels["channel"]
        var body = [
            "<h1>\(StatisticsHTML.escape(title))</h1>",
            "<p class=\"note\">匿名の記録だけから集計しています。人数の内訳のうち\(report.k)未満は「&lt;\(report.k)」、逆算されないよう伏せた数は「x」と表示します。</p>",
            StatisticsHTML.section("目標・KPI", kpi(report)),
            StatisticsHTML.section(
                "事業の概要",
                table([
                    ["相談件数（件）", ProgrammeText.number(year.consultations)],
                    ["スーツレンタル利用件数（件）", ProgrammeText.number(year.suitRentals)],
                    ["生理用品提供件数（件）", "\(ProgrammeText.number(year.products))（\(year.productFacilities)施設）"],
                    ["居場所参加者数（人）", "\(ProgrammeText.number(year.dropInParticipants))（\(year.dropInSessions)回）"],
                    [
                        "イベント参加者数（人）",
                        ProgrammeText.number(year.eventParticipants + year.eventParticipantsRepeated)
                            + (year.eventParticipantsRepeated > 0 ? "（うち再掲 \(ProgrammeText.number(year.eventParticipantsRepeated))）" : ""),
                    ],
                ])),
            StatisticsHTML.section("月別の利用者数", monthlyChart(report)),
            StatisticsHTML.section("月別の実績", months(report)),
            StatisticsHTML.section(
                "相談の経路",
                StatisticsHTML.bars(
                    ["line", "phone", "visit", "onsite"].map { ($0, year.consultationsByChannel[$0] ?? .count(0)) }, labels: channelLabels)),
        ]
        if !report.events.isEmpty {
            body.append(
                StatisticsHTML.section(
                    "イベント",
                    table(
                        report.events.map { event in
                            ["\(event.date) \(event.name)", "\(event.participants)人" + (event.countedIn == nil ? "" : "（再掲）")]
                        })))
        }
        return StatisticsHTML.document(title: title, body: body)
    }

    private static func kpi(_ report: ProgrammeReport) -> String {
        let percent = report.kpi.achievementPercent
        var rows = [
            [report.kpi.name, ProgrammeText.number(report.kpi.target), ProgrammeText.number(report.kpi.actual), percent.map { "\($0)%" } ?? "－"]
        ]
        if let indicator = report.indicator {
            rows.append([
                "「\(indicator.name)」（\(indicator.fiscalYear)年度）", String(format: "%.1f%%", indicator.targetPercent),
                String(format: "%.1f%%", indicator.percent), "－",
            ])
        }
        let filled = Double(min(percent ?? 0, 100)) * 3
        return table(rows, header: ["目標・KPI", "目標", "実績", "達成率"])
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 320 24\" role=\"img\" aria-label=\"達成率 \(percent.map { "\($0)%" } ?? "－")\">"
            + "<rect x=\"0\" y=\"4\" width=\"300\" height=\"16\" fill=\"#eee\" /><rect x=\"0\" y=\"4\" width=\"\(filled)\" height=\"16\" fill=\"#3a7\" />"
            + "<text x=\"304\" y=\"17\" font-size=\"10\">\(percent.map { "\($0)%" } ?? "－")</text></svg>"
            + "<p class=\"note\">\(StatisticsHTML.escape(report.kpi.name)) = \(StatisticsHTML.escape(report.kpi.formula))</p>"
    }

    private static func months(_ report: ProgrammeReport) -> String {
        table(
            (report.months + [report.year]).map { row in
                [
                    row.period.isFiscalYear ? "合計" : "\(row.period.from.month)月", ProgrammeText.number(row.consultations),
                    ProgrammeText.number(row.suitRentals), ProgrammeText.number(row.dropInParticipants), ProgrammeText.number(row.products),
                    ProgrammeText.number(row.eventParticipants + row.eventParticipantsRepeated), ProgrammeText.number(row.users),
                ]
            }, header: ["月", "相談", "スーツ", "居場所", "生理用品", "イベント", "利用者数"])
    }

    /// Twelve columns, April first: the KPI's sum in each month.
    private static func monthlyChart(_ report: ProgrammeReport) -> String {
        let largest = max(1, report.months.map(\.users).max() ?? 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 400 160\" role=\"img\" aria-label=\"月別の利用者数\">"
        for (index, row) in report.months.enumerated() {
            let height = Double(row.users) / Double(largest) * 120
            let x = 8 + index * 32
            svg +=
                "<rect x=\"\(x)\" y=\"\(130 - height)\" width=\"24\" height=\"\(height)\" fill=\"#48a\"><title>\(row.period.from.month)月: \(row.users)</title></rect>"
            svg += "<text x=\"\(x + 2)\" y=\"146\" font-size=\"10\">\(row.period.from.month)月</text>"
            svg += "<text x=\"\(x)\" y=\"\(max(10, 126 - height))\" font-size=\"9\">\(row.users)</text>"
        }
        return svg + "</svg>"
    }

    private static func table(_ rows: [[String]], header: [String]? = nil) -> String {
        func cells(_ row: [String], tag: String) -> String {
            row.enumerated().map { index, text in "<\(tag)\(index == 0 ? "" : " class=\"n\"")>\(StatisticsHTML.escape(text))</\(tag)>" }.joined()
        }
        return "<table>" + (header.map { "<tr>\(cells($0, tag: "th"))</tr>" } ?? "") + rows.map { "<tr>\(cells($0, tag: "td"))</tr>" }.joined()
            + "</table>"
    }
}
