import TsunaguCore

/// What `tsunagu stats` was asked for: a period (or a fiscal year's report) and a form.
public struct StatisticsRequest: Sendable {
    /// A fixed report for a fiscal year instead of the statistics.
    public enum Report: String, Sendable, CaseIterable {
        /// The programme's KPI table alone.
        case kpi
        /// The programme's annual report: every service, by month.
        case programme
    }

    public var month: String?
    public var fiscalYear: Int?
    public var from: String?
    public var to: String?
    public var report: Report?
    public var json = false
    public var csv = false
    /// A file to write the self-contained HTML page to, besides what is printed.
    public var html: String?

    public init(
        month: String? = nil, fiscalYear: Int? = nil, from: String? = nil, to: String? = nil, report: Report? = nil, json: Bool = false,
        csv: Bool = false, html: String? = nil
    ) {
        (self.month, self.fiscalYear, self.from, self.to, self.report) = (month, fiscalYear, from, to, report)
        (self.json, self.csv, self.html) = (json, csv, html)
    }

    /// Statistics are published for a calendar month or a fiscal year, in one form at a time.
    public func check() throws(UsageError) {
        try ArgumentChecks.date(from, option: "--from")
        try ArgumentChecks.date(to, option: "--to")
        if json && csv { throw UsageError("Give --json or --csv, not both.") }
        if [month != nil, fiscalYear != nil, from != nil || to != nil].filter({ $0 }).count > 1 {
            throw UsageError("Give one of --month, --fiscal-year or --from/--to.")
        }
        if let month, Self.month(month) == nil { throw UsageError("--month must be a month written YYYY-MM.") }
        if let report, month != nil || from != nil || to != nil {
            throw UsageError("--report \(report.rawValue) is for a fiscal year: give --fiscal-year, or nothing for this one.")
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

    /// The days asked for, `YYYY-MM-DD`: the month's or fiscal year's, else `from` and `to` as given.
    var days: (from: String?, to: String?) {
        let chosen: StatisticsPeriod? =
            if let month { Self.month(month) } else if let fiscalYear { .fiscalYear(fiscalYear) } else { nil }
        return chosen.map { ("\($0.from)", "\($0.to)") } ?? (from, to)
    }
}
