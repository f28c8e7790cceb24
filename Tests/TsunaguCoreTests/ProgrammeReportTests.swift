import Testing
import TsunaguCore

/// The programme's annual report from entries whose answers are known by construction: the city's published year
/// (相談 423 + スーツ 23 + 居場所 617 = 事業利用者数 1,063, 106 % of 1,000) and the rules around it.
@Suite("Programme report")
struct ProgrammeReportTests {
    static let year = 2025
    static let months = StatisticsPeriod.fiscalYear(year).monthsOfFiscalYear

    /// The seed's year spread over its months: 423 consultations (300 LINE, 80 phone, 43 in person), 23 suits,
    /// 48 drop-in sessions with 617 participants, 9,191 products from 81 facilities, one event of 68 already
    /// counted in the drop-ins, the survey figure; plus a mistaken suit that was withdrawn.
    static func seed() -> (facts: [CaseFacts], records: [NumberedProgrammeRecord]) {
        func day(_ index: Int, _ dayOfMonth: Int = 10) -> CivilDate {
            CivilDate(year: months[index % 12].from.year, month: months[index % 12].from.month, day: dayOfMonth)
        }
        func noon(_ date: CivilDate) -> Int64 { JapanTime(date: date, minuteOfDay: 12 * 60).milliseconds }
        var facts: [CaseFacts] = []
        for index in 0..<300 {
            let opened = noon(day(index))
            facts.append(CaseFacts(person: "p\(index)", openedAt: opened, topic: "work", queuedAt: opened + 60_000))
        }
        // Greetings that never reached a counsellor are not consultations.
        for index in 0..<40 { facts.append(CaseFacts(person: "g\(index)", openedAt: noon(day(index)))) }
        for index in 0..<80 {
            facts.append(CaseFacts(person: nil, channel: .phone, openedAt: noon(day(index)), topic: "family", outcome: "listened"))
        }
        for index in 0..<43 { facts.append(CaseFacts(person: nil, channel: .visit, openedAt: noon(day(index)), topic: "money", outcome: "referred")) }

        var records: [ProgrammeRecord] = []
        let purposes = SuitRental.Purpose.allCases
        for index in 0..<23 {
            records.append(
                .suitRental(
                    SuitRental(date: day(index), purpose: purposes[index % 4], listened: index % 3 == 0, referral: index == 0 ? "hellowork" : nil)))
        }
        // 48 sessions: four a month; 617 = 47 × 13 + 6.
        for index in 0..<48 {
            records.append(
                .dropIn(
                    DropInSession(
                        date: day(index / 4, 1 + index % 4 * 7), place: index % 2 == 0 ? "centre" : "library", participants: index == 47 ? 6 : 13,
                        consulted: index % 4 == 0 ? 2 : nil)))
        }
        // 81 facilities; 9,191 = 80 × 113 + 151.
        for facility in 0..<81 {
            records.append(
                .products(ProductHandout(month: CivilMonth(months[facility % 12].from), facility: "f\(facility)", count: facility == 80 ? 151 : 113)))
        }
        records.append(
            .event(ProgrammeEvent(date: CivilDate(year: year + 1, month: 3, day: 8), name: "国際女性デー", participants: 68, countedIn: .dropIn)))
        records.append(.indicator(OutcomeIndicator(name: "社会全体で男女の地位などに差はないと感じている市民の割合", fiscalYear: year, percent: 12.4, targetPercent: 25)))
        records.append(.suitRental(SuitRental(date: day(5), purpose: .work)))
        let mistaken = Int64(records.count)
        records.append(.withdrawal(number: mistaken, of: .suitRental, dated: day(5)))
        return (facts, records.enumerated().map { NumberedProgrammeRecord(number: Int64($0.offset + 1), recordedAt: 0, record: $0.element) })
    }

    static func publish(_ formula: KPIFormula = .programme) -> ProgrammeReport {
        let (facts, records) = seed()
        return ProgrammePublisher(k: 5, kpiName: "事業利用者数（人）", formula: formula, target: 1000).publish(facts, records, fiscalYear: year)
    }

    @Test func theSeedYearAddsUpAsTheCityPublishesIt() {
        let report = Self.publish()
        #expect(report.kpi.actual == 1_063 && report.kpi.target == 1_000 && report.kpi.achievementPercent == 106)
        let year = report.year
        #expect(year.consultations == 423)
        #expect(year.consultationsByChannel == ["line": .count(300), "phone": .count(80), "visit": .count(43)])
        #expect(year.suitRentals == 23, "the withdrawn suit still counted")
        #expect(year.dropInSessions == 48 && year.dropInParticipants == 617 && year.onSiteSessions == 12)
        #expect(year.products == 9_191 && year.productFacilities == 81)
        #expect(year.eventParticipants == 0 && year.eventParticipantsRepeated == 68, "再掲 was counted as new participants")
        #expect(report.indicator?.percent == 12.4 && report.indicator?.targetPercent == 25)
        #expect(report.events.map(\.participants) == [68])
        // The months add up to the year, figure by figure.
        #expect(report.months.map(\.users).reduce(0, +) == 1_063)
        #expect(report.months.map(\.products).reduce(0, +) == 9_191)
        #expect(report.months.map(\.suitRentals) == [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1])
    }

    @Test func theFormulaIsTheCitysToSet() {
        #expect(Self.publish(KPIFormula("consultations + suits + dropin.participants + event.participants")!).kpi.actual == 1_063)
        #expect(Self.publish(KPIFormula("consultations.line")!).kpi.actual == 300)
        #expect(Self.publish(KPIFormula("consultations + products")!).kpi.actual == 423 + 9_191)
        #expect(KPIFormula("consultations + gossip") == nil && KPIFormula("suits + suits") == nil && KPIFormula("") == nil)
        #expect(KPIFormula("consultations+suits")?.description == "consultations + suits")
    }

    @Test func breakdownsThatCountPeopleAreProtectedAcrossTheYear() {
        let report = Self.publish()
        // Two suits a month: every purpose cell is small or withheld in the months, and none can be worked out
        // from the year less the other months.
        for month in report.months {
            #expect(month.suitsByPurpose.values.allSatisfy { $0.isHidden || $0 == .count(0) }, "\(month.suitsByPurpose)")
            #expect(month.suitRentals <= 2, "totals are shown in full")
        }
        #expect(report.months.allSatisfy { $0.onSiteConsulted.isHidden || $0.onSiteConsulted == .count(0) })
        // Products count items, not people: shown as they are.
        #expect(report.productsByFacility["f80"] == 151)
    }

    @Test func aMonthClosesSomeDaysAfterItEnds() throws {
        let window = RecordingWindow(openDays: 10)
        func at(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
            JapanTime(date: CivilDate(year: year, month: month, day: day), minuteOfDay: 9 * 60).milliseconds
        }
        let lastOfApril = CivilDate(year: 2026, month: 4, day: 30)
        try window.check(lastOfApril, now: at(2026, 5, 10))
        #expect(throws: ProgrammeRefusal.self) { try window.check(lastOfApril, now: at(2026, 5, 11)) }
        #expect(throws: ProgrammeRefusal.self) { try window.check(CivilDate(year: 2026, month: 5, day: 2), now: at(2026, 5, 1)) }
        do {
            try window.check(lastOfApril, now: at(2026, 6, 1))
        } catch {
            #expect(error.code == "month_closed" && error.status == 409)
        }
    }

    @Test func entriesFollowTheOfficesLists() {
        let rules = ProgrammeRules(places: ["centre"], facilities: [], partners: ["hellowork"], window: RecordingWindow(openDays: 10))
        let now = JapanTime(date: CivilDate(year: 2026, month: 6, day: 5), minuteOfDay: 600).milliseconds
        let june = CivilDate(year: 2026, month: 6, day: 4)
        #expect(throws: Never.self) { try rules.check(.dropIn(DropInSession(date: june, place: "centre", participants: 9, consulted: 2)), now: now) }
        func refusal(_ record: ProgrammeRecord) -> String? {
            do {
                try rules.check(record, now: now)
                return nil
            } catch { return error.code }
        }
        #expect(refusal(.dropIn(DropInSession(date: june, place: "park", participants: 9))) == "invalid_body")
        #expect(refusal(.dropIn(DropInSession(date: june, place: "centre", participants: 3, consulted: 4))) == "invalid_body")
        #expect(refusal(.dropIn(DropInSession(date: june, place: "centre", participants: -1))) == "invalid_body")
        #expect(refusal(.products(ProductHandout(month: CivilMonth(year: 2026, month: 6), facility: "f1", count: 5))) == "not_configured")
        #expect(refusal(.suitRental(SuitRental(date: june, purpose: .work, referral: "nowhere"))) == "invalid_body")
        #expect(refusal(.event(ProgrammeEvent(date: june, name: "講演会\n山田花子さん宅", participants: 10))) == "invalid_body")
        #expect(refusal(.event(ProgrammeEvent(date: june, name: String(repeating: "あ", count: 81), participants: 10))) == "invalid_body")
        #expect(refusal(.indicator(OutcomeIndicator(name: "割合", fiscalYear: 2025, percent: 120, targetPercent: 25))) == "invalid_body")
        #expect(refusal(.indicator(OutcomeIndicator(name: "割合", fiscalYear: 2025, percent: 12.4, targetPercent: 25))) == nil)
        #expect(refusal(.indicator(OutcomeIndicator(name: "割合", fiscalYear: 2027, percent: 12.4, targetPercent: 25))) == "invalid_date")
        // The survey figure of a closed year is corrected after the year, like it was entered; other entries are not.
        #expect(refusal(.withdrawal(number: 1, of: .indicator, dated: CivilDate(year: 2025, month: 4, day: 1))) == nil)
        #expect(refusal(.withdrawal(number: 2, of: .suitRental, dated: CivilDate(year: 2025, month: 4, day: 1))) == "month_closed")
    }
}
