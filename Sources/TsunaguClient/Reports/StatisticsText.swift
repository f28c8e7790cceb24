import Foundation
import TsunaguCore

/// Statistics as text: the 80-column summary, the KPI table and CSV.
enum StatisticsText {
    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    static func table(_ stats: PublishedStatistics) -> String {
        var lines = [
            "Statistics \(stats.period.from) to \(stats.period.to) (<\(stats.k): fewer than \(stats.k); x: withheld)", "",
            row(
                "People reached",
                "\(stats.people) of a target of \(stats.peopleTarget)"
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
        lines += [
            "", "Arrivals by weekday and hour (Japan time; ++: a hundred or more)", "     " + (0..<24).map { String(format: "%3d", $0) }.joined(),
        ]
        for (weekday, row) in stats.heatmap.enumerated() {
            lines.append(
                weekdays[weekday] + "  "
                    + row.map { cell in
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
        let items = sorted.map {
            Terminal.pad("  " + $0.key, 26) + String(repeating: " ", count: max(0, 6 - $0.value.description.count)) + $0.value.description
        }
        return stride(from: 0, to: items.count, by: 2).map { index in
            items[index] + (index + 1 < items.count ? "    " + items[index + 1] : "")
        }
    }

    /// Columns a terminal gives `text`: two for East Asian wide characters.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            let value = scalar.value
            let wide =
                (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value) || (0xAC00...0xD7A3).contains(value)
                || (0xF900...0xFAFF).contains(value) || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
                || (0xFFE0...0xFFE6).contains(value)
            return width + (wide ? 2 : 1)
        }
    }
}
