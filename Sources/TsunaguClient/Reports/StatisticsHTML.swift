import Foundation
import TsunaguCore

/// The statistics as one self-contained page in Japanese: inline CSS and SVG only, nothing loaded from
/// anywhere, readable on a phone and printable. Written as well-formed XHTML so that it can be checked.
enum StatisticsHTML {
    static func page(_ stats: PublishedStatistics) -> String {
        let title = "相談統計 \(stats.period.from)〜\(stats.period.to)"
        var body: [String] = [
            "<h1>\(escape(title))</h1>",
            "<p class=\"note\">匿名の記録だけから集計しています。\(stats.k)未満の件数は「&lt;\(stats.k)」、合計から逆算されないよう伏せた件数は「x」と表示します。</p>",
            section("目標・KPI", kpi(stats)),
            section("概要", summary(stats)),
            section("相談の内容", bars(stats.byTopic, labels: stats.labels["topic"])),
            section("曜日・時間帯別の受付（LINE）", heatmap(stats.heatmap)),
            section("待ち時間の分布（分）", bars(ordered(stats.waitBands), labels: nil)),
        ]
        for (title, key, cells) in [
            ("急ぎの度合い", "urgency", stats.byUrgency), ("相談の結果", "outcome", stats.byOutcome),
            ("つないだ支援先", "referral", stats.byReferral), ("満足度", "satisfaction", stats.bySatisfaction),
            ("相談の経路", "channel", stats.byChannel),
        ] where !cells.isEmpty {
            body.append(section(title, bars(cells, labels: stats.labels[key])))
        }
        return document(title: title, body: body)
    }

    /// A whole XHTML page around `body`, with the shared style.
    static func document(title: String, body: [String]) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="ja">
        <head>
        <meta charset="UTF-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>\(escape(title))</title>
        <style>\(style)</style>
        </head>
        <body>
        \(body.joined(separator: "\n"))
        </body>
        </html>

        """
    }

    private static let style = """
        body{font-family:sans-serif;margin:0 auto;max-width:46em;padding:1em;color:#222;line-height:1.5}
        h1{font-size:1.3em}h2{font-size:1.1em;border-bottom:1px solid #ccc;margin-top:1.6em}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.3em;text-align:left}
        td.n,th.n{text-align:right}.note{color:#555;font-size:.9em}svg{width:100%;height:auto}
        @media print{body{max-width:none}section{break-inside:avoid}}
        """

    static func section(_ title: String, _ content: String) -> String {
        "<section><h2>\(escape(title))</h2>\n\(content)</section>"
    }

    private static func kpi(_ stats: PublishedStatistics) -> String {
        let percent = stats.achievementPercent
        let filled = Double(min(percent ?? 0, 100)) * 3
        return """
            <table><tr><th>目標・KPI</th><th class="n">目標</th><th class="n">実績</th><th class="n">達成率</th></tr>
            <tr><td>相談者数（人）</td><td class="n">\(stats.peopleTarget)</td><td class="n">\(escape(stats.people.description))</td>\
            <td class="n">\(percent.map { "\($0)%" } ?? "－")</td></tr></table>
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 24" role="img" aria-label="達成率 \(percent.map { "\($0)%" } ?? "－")">\
            <rect x="0" y="4" width="300" height="16" fill="#eee" /><rect x="0" y="4" width="\(filled)" height="16" fill="#3a7" />\
            <text x="304" y="17" font-size="10">\(percent.map { "\($0)%" } ?? "－")</text></svg>
            """
    }

    private static func summary(_ stats: PublishedStatistics) -> String {
        var rows = [
            ("相談者数（人）", stats.people.description), ("うち以前にも相談した人", stats.returningPeople.description),
            ("相談件数", stats.consultations.description), ("緊急対応", stats.emergencies.description),
            ("時間外の受付", stats.outOfHours.description),
        ]
        if let wait = stats.wait {
            rows.append(("待ち時間（中央値／90%）", "\(minutes(wait.p50))分／\(minutes(wait.p90))分"))
        }
        let slots = [
            ("in-hours", "受付時間内"), ("out-of-hours", "受付時間外"), ("00-06", "0〜6時"), ("06-12", "6〜12時"), ("12-18", "12〜18時"),
            ("18-24", "18〜24時"),
        ]
        for (slot, name) in slots {
            if let wait = stats.waitBySlot[slot] {
                rows.append(("　待ち時間・\(name)", "\(minutes(wait.p50))分／\(minutes(wait.p90))分"))
            }
        }
        if let reply = stats.firstResponse {
            rows.append(("最初の返信までの時間（中央値／90%）", "\(minutes(reply.p50))分／\(minutes(reply.p90))分"))
        }
        return "<table>" + rows.map { "<tr><td>\(escape($0.0))</td><td class=\"n\">\(escape($0.1))</td></tr>" }.joined() + "</table>"
    }

    /// Horizontal bars, largest first; hidden cells get no bar, only their mark.
    private static func bars(_ cells: [String: PublishedCount], labels: [String: String]?) -> String {
        let sorted = cells.sorted { ($0.value.value ?? -1, $1.key) > ($1.value.value ?? -1, $0.key) }
        return bars(sorted.map { ($0.key, $0.value) }, labels: labels)
    }

    static func bars(_ cells: [(String, PublishedCount)], labels: [String: String]?) -> String {
        guard !cells.isEmpty else { return "<p>なし</p>" }
        let largest = max(1, cells.compactMap(\.1.value).max() ?? 1)
        let rowHeight = 22
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 400 \(cells.count * rowHeight)\" role=\"img\">"
        for (index, (key, count)) in cells.enumerated() {
            let y = index * rowHeight
            let width = Double(count.value ?? 0) / Double(largest) * 200
            svg += "<text x=\"0\" y=\"\(y + 15)\" font-size=\"12\">\(escape(labels?[key] ?? key))</text>"
            svg += "<rect x=\"150\" y=\"\(y + 4)\" width=\"\(width)\" height=\"14\" fill=\"#48a\" />"
            svg += "<text x=\"\(155 + width)\" y=\"\(y + 15)\" font-size=\"12\">\(escape(count.description))</text>"
        }
        return svg + "</svg>"
    }

    /// Seven rows of 24 hours, darker for more arrivals; hidden cells are hatched grey and carry no number.
    private static func heatmap(_ rows: [[PublishedCount]]) -> String {
        let weekdays = ["日", "月", "火", "水", "木", "金", "土"]
        let largest = max(1, rows.joined().compactMap(\.value).max() ?? 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 400 190\" role=\"img\" aria-label=\"曜日・時間帯別の受付\">"
        for hour in stride(from: 0, to: 24, by: 3) {
            svg += "<text x=\"\(24 + hour * 15)\" y=\"10\" font-size=\"9\">\(hour)時</text>"
        }
        for (weekday, row) in rows.enumerated() {
            let y = 16 + weekday * 24
            svg += "<text x=\"0\" y=\"\(y + 15)\" font-size=\"12\">\(weekdays[weekday])</text>"
            for (hour, cell) in row.enumerated() {
                let fill: String
                if let value = cell.value {
                    let shade = value == 0 ? 0.0 : 0.15 + 0.85 * Double(value) / Double(largest)
                    fill = "fill=\"#26a\" fill-opacity=\"\(String(format: "%.2f", shade))\""
                } else {
                    fill = "fill=\"#bbb\""
                }
                svg +=
                    "<rect x=\"\(24 + hour * 15)\" y=\"\(y)\" width=\"14\" height=\"22\" \(fill)><title>\(weekdays[weekday]) \(hour)時: \(escape(cell.description))</title></rect>"
            }
        }
        return svg + "</svg>"
    }

    private static func ordered(_ bands: [String: PublishedCount]) -> [(String, PublishedCount)] {
        StatisticsReport.waitBandNames.map { ($0.name, bands[$0.name] ?? .count(0)) }
    }

    private static func minutes(_ value: Double) -> String { value.rounded() == value ? "\(Int(value))" : String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
