import Testing

@testable import TsunaguCore

@Suite("Japanese holidays")
struct JapaneseHolidaysTests {
    private func dates(_ texts: [String]) -> [CivilDate] { texts.map { CivilDate($0)! } }

    /// The Cabinet Office's published list for 2026, including the substitute holiday for Constitution Day
    /// (5/6) and the citizens' holiday between Respect for the Aged Day and the autumnal equinox (9/22).
    @Test func year2026MatchesTheCabinetOfficeList() {
        #expect(
            JapaneseHolidays.holidays(in: 2026)
                == dates([
                    "2026-01-01", "2026-01-12", "2026-02-11", "2026-02-23", "2026-03-20", "2026-04-29", "2026-05-03",
                    "2026-05-04", "2026-05-05", "2026-05-06", "2026-07-20", "2026-08-11", "2026-09-21", "2026-09-22",
                    "2026-09-23", "2026-10-12", "2026-11-03", "2026-11-23",
                ]))
    }

    /// 2027: the vernal equinox falls on a Sunday, so Monday 3/22 is a substitute holiday.
    @Test func year2027MatchesTheCabinetOfficeList() {
        #expect(
            JapaneseHolidays.holidays(in: 2027)
                == dates([
                    "2027-01-01", "2027-01-11", "2027-02-11", "2027-02-23", "2027-03-21", "2027-03-22", "2027-04-29",
                    "2027-05-03", "2027-05-04", "2027-05-05", "2027-07-19", "2027-08-11", "2027-09-20", "2027-09-23",
                    "2027-10-11", "2027-11-03", "2027-11-23",
                ]))
    }

    /// The Olympic year moved Marine Day, Sports Day and Mountain Day; 8/10 was itself a Monday.
    @Test func year2020KeepsTheOlympicMoves() {
        let holidays = JapaneseHolidays.holidays(in: 2020)
        #expect(holidays.contains(CivilDate("2020-07-23")!))
        #expect(holidays.contains(CivilDate("2020-07-24")!))
        #expect(holidays.contains(CivilDate("2020-08-10")!))
        #expect(!holidays.contains(CivilDate("2020-07-20")!))
        #expect(!holidays.contains(CivilDate("2020-08-11")!))
        #expect(!holidays.contains(CivilDate("2020-10-12")!))
        #expect(holidays.contains(CivilDate("2020-02-24")!))  // Substitute for the Emperor's Birthday on a Sunday.
        #expect(holidays.count == 18)
    }

    /// 2019's ten-day Golden Week: the enthronement day made 4/30 and 5/2 citizens' holidays.
    @Test func year2019HasTheEnthronementHolidays() {
        let goldenWeek = (29...30).map { CivilDate(year: 2019, month: 4, day: $0) } + (1...6).map { CivilDate(year: 2019, month: 5, day: $0) }
        #expect(goldenWeek.allSatisfy(JapaneseHolidays.isHoliday))  // 4/29 … 5/6; 5/6 replaces Sunday 5/5.
        #expect(!JapaneseHolidays.isHoliday(CivilDate(year: 2019, month: 4, day: 28)))  // An ordinary Sunday.
        #expect(!JapaneseHolidays.isHoliday(CivilDate(year: 2019, month: 5, day: 7)))
        #expect(JapaneseHolidays.isHoliday(CivilDate(year: 2019, month: 10, day: 22)))
    }

    @Test func equinoxesFollowTheAstronomicalApproximation() {
        // Published: 2024 3/20 and 9/22, 2025 3/20 and 9/23, 2028 3/20 and 9/22, 2030 3/20 and 9/23.
        #expect([2024, 2025, 2028, 2030].map(JapaneseHolidays.vernalEquinoxDay) == [20, 20, 20, 20])
        #expect([2024, 2025, 2028, 2030].map(JapaneseHolidays.autumnalEquinoxDay) == [22, 23, 22, 23])
    }
}
