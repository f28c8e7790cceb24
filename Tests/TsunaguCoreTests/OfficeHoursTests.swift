import Testing
import TsunaguCore

@Suite("Office hours")
struct OfficeHoursTests {
    /// The office of config/script.ja.yaml: Mon–Sat 10–17, Wednesday nights 18–22, the third Sunday 13–17,
    /// closed on holidays and from 12-29 to 01-03.
    private let office = OfficeHours(
        slots: [.monday, .tuesday, .wednesday, .thursday, .friday, .saturday].map {
            OfficeHours.Slot(days: .weekly($0), start: 600, end: 1020)
        } + [
            OfficeHours.Slot(days: .weekly(.wednesday), start: 1080, end: 1320),
            OfficeHours.Slot(days: .monthly(ordinal: 3, .sunday), start: 780, end: 1020),
        ],
        closedOnHolidays: true,
        yearEndBreak: .init(startMonth: 12, startDay: 29, endMonth: 1, endDay: 3))

    private func at(_ date: String, _ hour: Int, _ minute: Int = 0) -> Int64 {
        JapanTime(date: CivilDate(date)!, minuteOfDay: hour * 60 + minute).milliseconds
    }

    /// Every day of 2026 at 10:30, 13:30, 17:30 and 19:00, against an independent reading of the rules.
    @Test func aFullYearOf2026() {
        let holidays = Set(JapaneseHolidays.holidays(in: 2026))
        var date = CivilDate(year: 2026, month: 1, day: 1)
        var openDays = 0
        while date.year == 2026 {
            let closed = holidays.contains(date) || (date.month == 12 && date.day >= 29) || (date.month == 1 && date.day <= 3)
            let weekday = date.weekday
            let weekdaySlot = !closed && weekday != .sunday
            let thirdSunday = !closed && weekday == .sunday && (15...21).contains(date.day)
            let night = !closed && weekday == .wednesday
            let base = JapanTime(date: date, minuteOfDay: 0).milliseconds
            func open(_ minutes: Int) -> Bool { office.status(at: base + Int64(minutes) * 60_000).isOpen }
            #expect(open(630) == weekdaySlot, "\(date) 10:30")
            #expect(open(810) == (weekdaySlot || thirdSunday), "\(date) 13:30")
            #expect(open(1050) == false, "\(date) 17:30")
            #expect(open(1140) == night, "\(date) 19:00")
            if weekdaySlot { openDays += 1 }
            date = date.adding(days: 1)
        }
        // 313 Mondays to Saturdays (2026 starts on a Thursday and has 52 Sundays), less the 17 holidays among
        // them (all but Sunday 5/3) and the 5 year-end days that are neither Sundays nor holidays (1/2, 1/3,
        // 12/29, 12/30, 12/31).
        #expect(openDays == 313 - 17 - 5)
    }

    @Test func theMonthlySundayIsTheThirdSunday() {
        #expect(office.status(at: at("2026-11-15", 14)).isOpen)
        #expect(!office.status(at: at("2026-11-22", 14)).isOpen)
        #expect(!office.status(at: at("2026-11-08", 14)).isOpen)
    }

    @Test func aSlotPastMidnightBelongsToTheDayItStarts() {
        let night = OfficeHours(slots: [.init(days: .weekly(.friday), start: 22 * 60, end: 26 * 60)])
        #expect(night.status(at: at("2026-12-04", 23)).isOpen)  // Friday 23:00.
        #expect(night.status(at: at("2026-12-05", 1, 59)).isOpen)  // Saturday 01:59.
        #expect(!night.status(at: at("2026-12-05", 2)).isOpen)
        #expect(night.status(at: at("2026-12-05", 1)) == .open(until: at("2026-12-05", 2)))
        // On a holiday Friday the slot does not start, and so does not run into Saturday either.
        let holidayFriday = OfficeHours(slots: night.slots, closedDates: [CivilDate("2026-12-04")!])
        #expect(!holidayFriday.status(at: at("2026-12-05", 1)).isOpen)
    }

    @Test func nextOpeningSkipsSundaysHolidaysAndTheYearEnd() {
        // Saturday evening: Sunday 12/27 is the fourth Sunday, so Monday 10:00.
        #expect(office.status(at: at("2026-12-26", 18)) == .closed(nextOpening: at("2026-12-28", 10)))
        // After the last day before the break: Monday 2027-01-04.
        #expect(office.nextOpening(after: at("2026-12-28", 17, 30)) == at("2027-01-04", 10))
        // Friday before the 2027 Coming of Age Day: Saturday 10:00, then Tuesday after the holiday Monday.
        #expect(office.nextOpening(after: at("2027-01-08", 18)) == at("2027-01-09", 10))
        #expect(office.nextOpening(after: at("2027-01-09", 17)) == at("2027-01-12", 10))
        // Tuesday evening: the Wednesday day slot comes first.
        #expect(office.nextOpening(after: at("2026-12-01", 20)) == at("2026-12-02", 10))
        // Wednesday afternoon after 17:00: the night slot.
        #expect(office.status(at: at("2026-12-02", 17, 30)) == .closed(nextOpening: at("2026-12-02", 18)))
        #expect(OfficeHours(slots: []).status(at: 0) == .closed(nextOpening: nil))
    }

    @Test func japanTimeRoundTrips() {
        #expect(JapanTime(milliseconds: 0) == JapanTime(date: CivilDate(year: 1970, month: 1, day: 1), minuteOfDay: 540))
        let moment = at("2026-11-30", 9, 48)
        #expect(JapanTime(milliseconds: moment).date == CivilDate("2026-11-30"))
        #expect(JapanTime(milliseconds: moment + 59_999).minuteOfDay == 9 * 60 + 48)
        #expect(CivilDate("2026-02-30") == nil)
        #expect(CivilDate("2026-11-30")!.weekday == .monday)
        #expect(JapaneseWording.dateTime(moment) == "11月30日(月) 9:48")
    }
}
