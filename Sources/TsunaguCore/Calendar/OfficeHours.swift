/// When counsellors are on shift, in Japan time: weekly slots, slots on the nth weekday of a month (the
/// monthly Sunday), slots that run past midnight (the night slot), and the days the office is closed
/// (national holidays, the year-end break, and any date the operator lists).
///
/// A slot belongs to the day it starts on: a night slot that starts on an open day runs to its end even if
/// the next day is a holiday. Everything is computed from the rules, so "are we open?" and "when do we
/// next open?" need no table to be kept up to date.
public struct OfficeHours: Sendable, Hashable {
    public var slots: [Slot]
    public var closedOnHolidays: Bool
    public var closedDates: Set<CivilDate>
    public var yearEndBreak: YearEndBreak?

    public init(slots: [Slot], closedOnHolidays: Bool = true, closedDates: Set<CivilDate> = [], yearEndBreak: YearEndBreak? = nil) {
        self.slots = slots
        self.closedOnHolidays = closedOnHolidays
        self.closedDates = closedDates
        self.yearEndBreak = yearEndBreak
    }

    /// One stretch of counselling time.
    public struct Slot: Sendable, Hashable {
        public enum Days: Sendable, Hashable {
            /// Every week on this day.
            case weekly(Weekday)
            /// The nth such weekday of each month (1–5), or the last one (-1).
            case monthly(ordinal: Int, Weekday)
        }

        public var days: Days
        /// Minutes after midnight.
        public var start: Int
        /// Minutes after midnight of the start day; more than 1440 when the slot runs past midnight.
        public var end: Int

        public init(days: Days, start: Int, end: Int) {
            self.days = days
            self.start = start
            self.end = end
        }

        func falls(on date: CivilDate) -> Bool {
            switch days {
            case .weekly(let weekday):
                return date.weekday == weekday
            case .monthly(let ordinal, let weekday):
                guard date.weekday == weekday else { return false }
                return ordinal == -1 ? date.isLastWeekdayOfMonth : date.weekdayOrdinal == ordinal
            }
        }
    }

    /// A closure that repeats every year across the new year, e.g. 12-29 to 01-03, both days included.
    public struct YearEndBreak: Sendable, Hashable {
        public var startMonth: Int, startDay: Int, endMonth: Int, endDay: Int

        public init(startMonth: Int, startDay: Int, endMonth: Int, endDay: Int) {
            (self.startMonth, self.startDay, self.endMonth, self.endDay) = (startMonth, startDay, endMonth, endDay)
        }

        func contains(_ date: CivilDate) -> Bool {
            let day = date.month * 100 + date.day
            let (start, end) = (startMonth * 100 + startDay, endMonth * 100 + endDay)
            return start <= end ? (start...end).contains(day) : (day >= start || day <= end)
        }
    }

    /// Whether counselling is offered on `date` at all.
    public func isClosed(on date: CivilDate) -> Bool {
        closedDates.contains(date) || yearEndBreak?.contains(date) == true
            || (closedOnHolidays && JapaneseHolidays.isHoliday(date))
    }

    /// Open now, or closed until when.
    public enum Status: Sendable, Hashable {
        /// On shift until `until` (milliseconds since the epoch).
        case open(until: Int64)
        /// Off shift; `nextOpening` is `nil` when no slot opens within a year (no slots configured).
        case closed(nextOpening: Int64?)

        public var isOpen: Bool { if case .open = self { true } else { false } }
    }

    public func status(at milliseconds: Int64) -> Status {
        let now = JapanTime(milliseconds: milliseconds)
        let dayStart = JapanTime(date: now.date, minuteOfDay: 0).milliseconds
        // Slots that started today, or yesterday and run past midnight.
        var openUntil: Int64?
        for (offset, date) in [(0, now.date), (-1, now.date.adding(days: -1))] where !isClosed(on: date) {
            for slot in slots where slot.falls(on: date) {
                let start = dayStart + Int64(offset * 1440 + slot.start) * 60_000
                let end = dayStart + Int64(offset * 1440 + slot.end) * 60_000
                if start <= milliseconds && milliseconds < end { openUntil = max(openUntil ?? end, end) }
            }
        }
        if let openUntil { return .open(until: openUntil) }
        return .closed(nextOpening: nextOpening(after: milliseconds))
    }

    /// The next closing time after `milliseconds`: the end of the slot open then, or of the next one to open; `nil`
    /// if the office never opens again within the 400 days looked at.
    public func nextClosing(after milliseconds: Int64) -> Int64? {
        switch status(at: milliseconds) {
        case .open(let until): until
        case .closed(let opening?): if case .open(let until) = status(at: opening) { until } else { nil }
        case .closed(nil): nil
        }
    }

    /// The start of the first slot that begins after `milliseconds`, looking up to 400 days ahead.
    public func nextOpening(after milliseconds: Int64) -> Int64? {
        let now = JapanTime(milliseconds: milliseconds)
        let todayStart = JapanTime(date: now.date, minuteOfDay: 0).milliseconds
        for offset in 0..<400 {
            let date = now.date.adding(days: offset)
            guard !isClosed(on: date) else { continue }
            let starts = slots.filter { $0.falls(on: date) }
                .map { todayStart + Int64(offset * 1440 + $0.start) * 60_000 }
                .filter { $0 > milliseconds }
            if let first = starts.min() { return first }
        }
        return nil
    }
}
