/// Japan's national holidays (国民の祝日), computed by the rules of the Public Holiday Act as amended up to
/// 2020, for the years 2000 to 2099.
///
/// Computed rather than listed, so the office never runs on an expired table: fixed days, Happy Monday days,
/// the equinoxes (by the standard approximation the National Astronomical Observatory's announcements
/// follow for this century), substitute holidays (振替休日) and citizens' holidays (国民の休日). The one-off
/// days of 2019–2021 (the enthronement and the Olympic moves) are included.
public enum JapaneseHolidays {
    /// Whether `date` is a national holiday, a substitute holiday or a citizens' holiday.
    public static func isHoliday(_ date: CivilDate) -> Bool {
        if isNamedHoliday(date) { return true }
        if isSubstituteHoliday(date) { return true }
        // 国民の休日: an ordinary weekday sandwiched between two named holidays.
        return date.weekday != .sunday && isNamedHoliday(date.adding(days: -1)) && isNamedHoliday(date.adding(days: 1))
    }

    /// Every holiday of `year`, in order (for the office's printed calendar and for tests).
    public static func holidays(in year: Int) -> [CivilDate] {
        let first = CivilDate(year: year, month: 1, day: 1).epochDays
        let last = CivilDate(year: year, month: 12, day: 31).epochDays
        return (first...last).map(CivilDate.init(epochDays:)).filter(isHoliday)
    }

    /// 振替休日: when a named holiday falls on a Sunday, the next day that is not a named holiday.
    private static func isSubstituteHoliday(_ date: CivilDate) -> Bool {
        guard !isNamedHoliday(date) else { return false }
        var previous = date.adding(days: -1)
        while isNamedHoliday(previous) {
            if previous.weekday == .sunday { return true }
            previous = previous.adding(days: -1)
        }
        return false
    }

    /// The holidays the law names, before substitutes.
    static func isNamedHoliday(_ date: CivilDate) -> Bool {
        if specialYears[date.year]?.contains([date.month, date.day]) == true { return true }
        return isRegular(date)
    }

    /// Years whose Marine Day, Sports Day or Mountain Day moved, or that had a one-off holiday.
    /// The value lists the year's exceptional dates; ``isRegular(_:)`` skips the moved holidays' usual dates.
    private static let specialYears: [Int: Set<[Int]>] = [
        2019: [[5, 1], [10, 22]],
        2020: [[7, 23], [7, 24], [8, 10]],
        2021: [[7, 22], [7, 23], [8, 8]],
    ]

    private static func isRegular(_ date: CivilDate) -> Bool {
        let (year, month, day) = (date.year, date.month, date.day)
        let moved = year == 2020 || year == 2021  // Olympic years: the three holidays are in `specialYears`.
        switch month {
        case 1: return day == 1 || isNthMonday(date, 2)
        case 2: return day == 11 || (day == 23 && year >= 2020)
        case 3: return day == vernalEquinoxDay(year)
        case 4: return day == 29
        case 5: return (3...5).contains(day)
        case 7: return !moved && isNthMonday(date, 3)
        case 8: return !moved && day == 11 && year >= 2016
        case 9: return isNthMonday(date, 3) || day == autumnalEquinoxDay(year)
        case 10: return !moved && isNthMonday(date, 2)
        case 11: return day == 3 || day == 23
        case 12: return day == 23 && (1989...2018).contains(year)
        default: return false
        }
    }

    private static func isNthMonday(_ date: CivilDate, _ n: Int) -> Bool {
        date.weekday == .monday && date.weekdayOrdinal == n
    }

    /// 春分の日 for 1980–2099: ⌊20.8431 + 0.242194 (y − 1980) − ⌊(y − 1980) / 4⌋⌋.
    static func vernalEquinoxDay(_ year: Int) -> Int {
        let years = Double(year - 1980)
        return Int(20.8431 + 0.242194 * years - Double((year - 1980) / 4))
    }

    /// 秋分の日 for 1980–2099: ⌊23.2488 + 0.242194 (y − 1980) − ⌊(y − 1980) / 4⌋⌋.
    static func autumnalEquinoxDay(_ year: Int) -> Int {
        let years = Double(year - 1980)
        return Int(23.2488 + 0.242194 * years - Double((year - 1980) / 4))
    }
}
