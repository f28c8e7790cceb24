/// A period of whole days in Japan time, both ends included.
///
/// Statistics are published for a calendar month or a fiscal year (1 April to 31 March), and for nothing in
/// between: the months and their year are protected together (``LinkedSuppression``), and any other period would
/// let a hidden cell be worked out as the difference of two that overlap.
public struct StatisticsPeriod: Sendable, Hashable, Codable {
    public var from: CivilDate
    public var to: CivilDate

    public init(from: CivilDate, to: CivilDate) {
        self.from = from
        self.to = to
    }

    /// A calendar month.
    public static func month(_ year: Int, _ month: Int) -> StatisticsPeriod {
        let first = CivilDate(year: year, month: month, day: 1)
        let next = month == 12 ? CivilDate(year: year + 1, month: 1, day: 1) : CivilDate(year: year, month: month + 1, day: 1)
        return StatisticsPeriod(from: first, to: next.adding(days: -1))
    }

    /// The fiscal year that starts on 1 April of `year` (令和 and the programme's reports count it by that year).
    public static func fiscalYear(_ year: Int) -> StatisticsPeriod {
        StatisticsPeriod(from: CivilDate(year: year, month: 4, day: 1), to: CivilDate(year: year + 1, month: 3, day: 31))
    }

    /// The year in which the fiscal year holding `date` starts.
    public static func fiscalYear(of date: CivilDate) -> Int { date.month >= 4 ? date.year : date.year - 1 }

    /// The fiscal year this period lies in (by its first day).
    public var fiscalYear: Int { Self.fiscalYear(of: from) }

    /// The twelve months of ``fiscalYear``, April first.
    public var monthsOfFiscalYear: [StatisticsPeriod] {
        (0..<12).map { index in
            let month = (index + 3) % 12 + 1
            return .month(month >= 4 ? fiscalYear : fiscalYear + 1, month)
        }
    }

    public var isMonth: Bool { self == .month(from.year, from.month) }
    public var isFiscalYear: Bool { self == .fiscalYear(fiscalYear) }
    /// Whether statistics may be published for this period: a calendar month or a fiscal year.
    public var isPublishable: Bool { isMonth || isFiscalYear }

    /// Milliseconds since the epoch at the start of `from`, and at the end of `to` (exclusive).
    public var milliseconds: Range<Int64> {
        JapanTime(date: from, minuteOfDay: 0).milliseconds..<JapanTime(date: to.adding(days: 1), minuteOfDay: 0).milliseconds
    }
}
