/// A calendar date in Japan (the office's time zone, UTC+9 all year: Japan has no daylight saving).
///
/// The core computes dates itself rather than through Foundation's `Calendar`, so office hours and
/// holidays are pure arithmetic, identical on every platform and testable in microseconds.
public struct CivilDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    public var epochDays: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `epochDays` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    public init(epochDays: Int) {
        let z = epochDays + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        self.day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        self.month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        Weekday(rawValue: ((epochDays % 7) + 7 + 4) % 7)!
    }

    public func adding(days: Int) -> CivilDate { CivilDate(epochDays: epochDays + days) }

    /// Which occurrence of its weekday in the month this date is: 1 for the first, up to 5.
    public var weekdayOrdinal: Int { (day - 1) / 7 + 1 }

    /// Whether no later date in the month falls on the same weekday.
    public var isLastWeekdayOfMonth: Bool { adding(days: 7).month != month }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.epochDays < rhs.epochDays }

    /// `yyyy-MM-dd`.
    public var description: String {
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(pad(month))-\(pad(day))"
    }

    /// Parses `yyyy-MM-dd`; `nil` for anything else, including impossible dates such as 2026-02-30.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        let date = CivilDate(year: year, month: month, day: day)
        guard (1...12).contains(month), CivilDate(epochDays: date.epochDays) == date else { return nil }
        self = date
    }
}

/// Days of the week, numbered as JavaScript and cron do: Sunday is 0.
public enum Weekday: Int, Sendable, Hashable, Codable, CaseIterable {
    case sunday, monday, tuesday, wednesday, thursday, friday, saturday

    /// 日, 月, 火, …: how the office writes days in its Japanese messages.
    public var japaneseName: String { ["日", "月", "火", "水", "木", "金", "土"][rawValue] }
    /// `sun`, `mon`, …: how the script writes days.
    public var code: String { ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][rawValue] }
}

/// A moment as the office sees it: the date in Japan and the minute of that day.
public struct JapanTime: Sendable, Hashable {
    /// Japan Standard Time is UTC+9 all year.
    public static let offsetMilliseconds: Int64 = 9 * 3_600_000

    public var date: CivilDate
    /// 0 ..< 1440.
    public var minuteOfDay: Int

    public init(date: CivilDate, minuteOfDay: Int) {
        self.date = date
        self.minuteOfDay = minuteOfDay
    }

    /// The Japan time of `milliseconds` since the epoch.
    public init(milliseconds: Int64) {
        let local = milliseconds + Self.offsetMilliseconds
        let dayMilliseconds: Int64 = 86_400_000
        let days = local >= 0 ? local / dayMilliseconds : (local - dayMilliseconds + 1) / dayMilliseconds
        self.date = CivilDate(epochDays: Int(days))
        self.minuteOfDay = Int((local - days * dayMilliseconds) / 60_000)
    }

    /// Milliseconds since the epoch at the start of this minute.
    public var milliseconds: Int64 {
        Int64(date.epochDays) * 86_400_000 + Int64(minuteOfDay) * 60_000 - Self.offsetMilliseconds
    }
}
