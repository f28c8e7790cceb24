import Testing
import TsunaguCore
import TsunaguCoreTesting

/// Statistics from a generated dataset whose answers are known by construction, and the small-cell rules.
@Suite("Statistics")
struct StatisticsTests {
    static let november = StatisticsPeriod(from: CivilDate(year: 2026, month: 11, day: 1), to: CivilDate(year: 2026, month: 11, day: 30))

    static func at(day: Int, hour: Int, minute: Int = 0) -> Int64 {
        JapanTime(date: CivilDate(year: 2026, month: 11, day: day), minuteOfDay: hour * 60 + minute).milliseconds
    }

    /// 100 consultations by 80 people (consultation j is person j % 80's), 10 greetings that never reached the
    /// queue by 10 more people, 15 people seen before November, and cases outside the month that must not count.
    static let dataset: [CaseFacts] = {
        let topics =
            Array(repeating: "work", count: 50) + Array(repeating: "family", count: 40) + Array(repeating: "violence", count: 3)
            + Array(repeating: "health", count: 7)
        var facts: [CaseFacts] = []
        for j in 0..<100 {
            let person = j % 80
            // Tuesday 3rd to Saturday 7th, 9:00 to 16:xx.
            let opened = at(day: 3 + j % 5, hour: 9 + j % 8, minute: j % 60)
            let queued = opened + 60_000
            facts.append(
                CaseFacts(
                    person: "p\(person)", personFirstSeenAt: person < 15 ? at(day: 1, hour: 0) - 86_400_000 : at(day: 3, hour: 0),
                    openedAt: opened, topic: topics[j], urgency: j % 4 == 0 ? "now" : "today", priority: .normal,
                    emergency: j % 50 == 0 ? "violence" : nil, outOfHours: j % 10 == 1, queuedAt: queued,
                    claimedAt: queued + Int64(j % 10 + 1) * 60_000, firstResponseAt: queued + Int64(j % 10 + 2) * 60_000,
                    closedAt: queued + 3_600_000,
                    outcome: j < 60 ? "listened" : (j < 97 ? "referred" : "other"),
                    referral: (60..<90).contains(j) ? "hellowork" : ((90..<97).contains(j) ? "dv-support" : nil),
                    satisfaction: j < 30 ? "good" : (j < 34 ? "notgood" : nil)))
        }
        for g in 0..<10 {  // Monday 2nd, 10:xx: greetings only.
            facts.append(CaseFacts(person: "g\(g)", personFirstSeenAt: at(day: 2, hour: 10), openedAt: at(day: 2, hour: 10, minute: g)))
        }
        // Outside the period: 31 October and 1 December, Japan time.
        facts.append(CaseFacts(person: "p1", openedAt: at(day: 1, hour: 0) - 1, queuedAt: at(day: 1, hour: 0)))
        facts.append(CaseFacts(person: "p2", openedAt: at(day: 30, hour: 23, minute: 59) + 60_000, queuedAt: 0))
        return facts
    }()

    @Test func goldenFiguresOfAKnownDataset() {
        let report = StatisticsCalculator.report(Self.dataset, period: Self.november, peopleTarget: 100)
        #expect(report.people == 90)
        #expect(report.achievementPercent == 90)
        #expect(report.returningPeople == 15)
        #expect(report.consultations == 100)
        #expect(report.byTopic == ["work": 50, "family": 40, "violence": 3, "health": 7])
        #expect(report.byUrgency == ["now": 25, "today": 75])
        #expect(report.byOutcome == ["listened": 60, "referred": 37, "other": 3])
        #expect(report.byReferral == ["hellowork": 30, "dv-support": 7])
        #expect(report.bySatisfaction == ["good": 30, "notgood": 4])
        #expect(report.byChannel == ["line": 100])
        #expect(report.emergencies == 2)
        #expect(report.outOfHours == 10)
        // Waits of 1…10 minutes, ten of each: median 5, 90th percentile 9.
        #expect(report.wait == Percentiles((1...10).flatMap { Array(repeating: Double($0), count: 10) }))
        #expect(report.wait?.p50 == 5 && report.wait?.p90 == 9)
        #expect(report.waitBands == ["0-4": 40, "5-14": 60])
        // First replies a minute after each claim: 2…11 minutes.
        #expect(report.firstResponse?.p50 == 6 && report.firstResponse?.p90 == 10 && report.firstResponse?.count == 100)
        // Out of hours is j % 10 == 1: all waited 2 minutes; in hours the other 90 (1 and 3…10, ten of each).
        #expect(report.waitBySlot["out-of-hours"] == Percentiles(Array(repeating: 2, count: 10)))
        #expect(report.waitBySlot["in-hours"]?.p50 == 6 && report.waitBySlot["in-hours"]?.p90 == 10)
        // "now" is j % 4 == 0: waits 1, 3, 5, 7, 9, five of each.
        #expect(report.waitByUrgency["now"]?.p50 == 5 && report.waitByUrgency["now"]?.p90 == 9 && report.waitByUrgency["now"]?.count == 25)
        // The greetings: Monday (1) at 10:00–10:09; nothing else arrived on a Monday.
        #expect(report.heatmap[1][10] == 10)
        #expect(report.heatmap[1].reduce(0, +) == 10)
        #expect(report.heatmap.joined().reduce(0, +) == 110)
        #expect(report.heatmap[0].reduce(0, +) == 0 && report.heatmap[6].reduce(0, +) == 20)  // Sunday none; Saturday 7th: j % 5 == 4.
    }

    @Test func wholeMonthsAndFiscalYearsArePublishedAndNothingElse() {
        #expect(Self.november.isPublishable && Self.november.isMonth)
        #expect(
            StatisticsPeriod.month(2027, 2)
                == StatisticsPeriod(from: CivilDate(year: 2027, month: 2, day: 1), to: CivilDate(year: 2027, month: 2, day: 28)))
        #expect(StatisticsPeriod.month(2026, 12).to == CivilDate(year: 2026, month: 12, day: 31))
        #expect(StatisticsPeriod.fiscalYear(2026).isPublishable && StatisticsPeriod.fiscalYear(2026).isFiscalYear)
        #expect(StatisticsPeriod.fiscalYear(of: CivilDate(year: 2027, month: 3, day: 31)) == 2026)
        #expect(StatisticsPeriod.fiscalYear(of: CivilDate(year: 2027, month: 4, day: 1)) == 2027)
        #expect(StatisticsPeriod.fiscalYear(2026).monthsOfFiscalYear.map(\.from.month) == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3])
        for period in [
            StatisticsPeriod(from: CivilDate(year: 2026, month: 11, day: 2), to: CivilDate(year: 2026, month: 11, day: 30)),
            StatisticsPeriod(from: CivilDate(year: 2026, month: 11, day: 1), to: CivilDate(year: 2026, month: 12, day: 31)),
            StatisticsPeriod(from: CivilDate(year: 2026, month: 1, day: 1), to: CivilDate(year: 2026, month: 12, day: 31)),
        ] {
            #expect(!period.isPublishable, "\(period)")
        }
    }

    @Test func waitsByTimeOfDay() {
        let report = StatisticsCalculator.report(Self.dataset, period: Self.november, peopleTarget: 100)
        // Queued a minute after 9:xx–16:xx: hours 9–11 are j % 8 < 3, 39 of the 100.
        #expect(report.waitBySlot["06-12"]?.count == 39 && report.waitBySlot["12-18"]?.count == 61)
        #expect(report.waitBySlot["00-06"] == nil && report.waitBySlot["18-24"] == nil)
    }

    @Test func aPublishedMonthShowsWhatIsSafeAndHidesTheRest() {
        let published = StatisticsPublisher(k: 5, peopleTarget: 100).publish(Self.dataset, period: Self.november)
        let truth = StatisticsCalculator.report(Self.dataset, period: Self.november, peopleTarget: 100)
        #expect(published.consultations == .count(100) && published.people == .count(90) && published.achievementPercent == 90)
        #expect(published.returningPeople == .count(15))
        #expect(published.byTopic["violence"] == .suppressed(below: 5) && published.byTopic["work"] == .count(50))
        #expect(published.byOutcome["other"] == .suppressed(below: 5) && published.bySatisfaction["notgood"] == .suppressed(below: 5))
        #expect(published.emergencies == .suppressed(below: 5))
        // The one case of 31 October had no topic: November shows none, the cell is simply zero there.
        #expect(published.byTopic["unknown"] == .count(0))
        // Shown cells are true; hidden ones are small (「<5」) or withheld (「x」); no row has a single hidden cell.
        for (shown, actual) in [
            (published.byTopic, truth.byTopic), (published.byOutcome, truth.byOutcome), (published.byUrgency, truth.byUrgency),
            (published.byReferral, truth.byReferral), (published.bySatisfaction, truth.bySatisfaction), (published.waitBands, truth.waitBands),
        ] {
            for (key, cell) in shown {
                if let value = cell.value { #expect(value == actual[key, default: 0], "\(key)") }
                if case .suppressed = cell { #expect((1..<5).contains(actual[key, default: 0]), "\(key)") }
            }
            #expect(shown.values.filter(\.isHidden).count != 1, "\(shown)")
        }
        // Times resting on fewer than five consultations are not shown.
        #expect(published.wait?.count == 100 && published.waitBySlot["00-06"] == nil)
    }

    /// A fiscal year in which most topics are rare: 260 consultations from April to November, topics drawn with
    /// very different odds, so that many months hold one to four of a topic.
    static let sparseYear: [CaseFacts] = {
        var random = SeededGenerator(seed: 20_261_130)
        let topics = [("work", 40), ("family", 25), ("money", 15), ("health", 8), ("violence", 5), ("pregnancy", 4), ("school", 2), ("other", 1)]
        let outcomes = [("listened", 60), ("referred", 30), ("other", 10)]
        func draw(_ weights: [(String, Int)]) -> String {
            var roll = Int(random.next() % UInt64(weights.map(\.1).reduce(0, +)))
            for (name, weight) in weights {
                if roll < weight { return name }
                roll -= weight
            }
            return weights[0].0
        }
        return (0..<260).map { index in
            let month = [4, 5, 6, 7, 8, 9, 10, 11][Int(random.next() % 8)]
            let opened = JapanTime(
                date: CivilDate(year: 2026, month: month, day: 1 + Int(random.next() % 28)), minuteOfDay: Int(random.next() % 1440)
            ).milliseconds
            return CaseFacts(
                person: "p\(index)", openedAt: opened, topic: draw(topics), urgency: "today", emergency: random.next() % 30 == 0 ? "violence" : nil,
                outOfHours: random.next() % 5 == 0, queuedAt: opened + 60_000, outcome: draw(outcomes))
        }
    }()

    /// The thirteen rows an attacker can read for a breakdown: every month, then the year.
    static func rows(_ column: (PublishedStatistics) -> [String: PublishedCount], columns: [String]) -> [[PublishedCount?]] {
        let year = StatisticsPeriod.fiscalYear(2026)
        let publisher = StatisticsPublisher(k: 5, peopleTarget: 1000)
        return (year.monthsOfFiscalYear + [year]).map { period in
            let cells = column(publisher.publish(sparseYear, period: period))
            return columns.map { cells[$0] ?? .count(0) }
        }
    }

    static let reports: [StatisticsReport] = {
        let year = StatisticsPeriod.fiscalYear(2026)
        return (year.monthsOfFiscalYear + [year]).map { StatisticsCalculator.report(sparseYear, period: $0, peopleTarget: 1000) }
    }()

    @Test func theDifferencingAttackRecoversNoHiddenCell() {
        let attacker = DifferencingAttacker(k: 5)
        let topics = Set(Self.sparseYear.compactMap(\.topic)).sorted()
        let topicRows = Self.rows(\.byTopic, columns: topics)
        let hidden = topicRows.joined().filter { $0?.isHidden == true }.count
        #expect(hidden > 20, "the dataset should have many small cells to attack")
        #expect(attacker.recover(rows: topicRows, totals: Self.reports.map(\.consultations)).isEmpty)

        let outcomeRows = Self.rows(\.byOutcome, columns: ["listened", "other", "referred"])
        let outcomeTotals = Self.reports.map { $0.byOutcome.values.reduce(0, +) }
        #expect(attacker.recover(rows: outcomeRows, totals: outcomeTotals).isEmpty)

        // A single count: emergencies, with the consultations that were not one as a column never published.
        let year = StatisticsPeriod.fiscalYear(2026)
        let publisher = StatisticsPublisher(k: 5, peopleTarget: 1000)
        let emergencyRows: [[PublishedCount?]] = (year.monthsOfFiscalYear + [year]).map {
            [publisher.publish(Self.sparseYear, period: $0).emergencies, nil]
        }
        #expect(emergencyRows.joined().contains { $0 == .suppressed(below: 5) })
        #expect(attacker.recover(rows: emergencyRows, totals: Self.reports.map(\.consultations)).isEmpty)
    }

    @Test func theSameAttackBreaksSuppressionPeriodByPeriod() {
        // Protecting each period on its own (the small cells, then one partner in a table left with one hidden
        // cell) is what this attack defeats: it shows the attacker is real.
        let topics = Set(Self.sparseYear.compactMap(\.topic)).sorted()
        let rows: [[PublishedCount?]] = Self.reports.map { report in
            var cells = topics.map { topic -> PublishedCount in
                let value = report.byTopic[topic, default: 0]
                return value > 0 && value < 5 ? .suppressed(below: 5) : .count(value)
            }
            let hidden = cells.indices.filter { cells[$0].isHidden }
            if hidden.count == 1,
                let partner = cells.indices.filter({ $0 != hidden[0] && (cells[$0].value ?? 0) > 0 }).min(by: { cells[$0].value! < cells[$1].value! })
            {
                cells[partner] = .withheld
            }
            return cells
        }
        let recovered = DifferencingAttacker(k: 5).recover(rows: rows, totals: Self.reports.map(\.consultations))
        #expect(!recovered.isEmpty)
        for cell in recovered {
            #expect(cell.value == Self.reports[cell.row].byTopic[topics[cell.column], default: 0])
        }
    }

    @Test func everySmallCellHasAWitnessInRandomTables() {
        var random = SeededGenerator(seed: 7)
        let suppression = LinkedSuppression(k: 5)
        let attacker = DifferencingAttacker(k: 5)
        for _ in 0..<40 {
            let columns = 2 + Int(random.next() % 6)
            var cells = (0..<12).map { _ in (0..<columns).map { _ in Int(random.next() % 9) } }
            cells.append((0..<columns).map { column in cells.reduce(0) { $0 + $1[column] } })
            let table = LinkedTable(columns: (0..<columns).map { "c\($0)" }, cells: cells)
            let marks = suppression.protect(table)
            let rows: [[PublishedCount?]] = marks.indices.map { row in
                marks[row].indices.map { column in
                    switch marks[row][column] {
                    case .small: .suppressed(below: 5)
                    case .withheld: .withheld
                    default: .count(cells[row][column])
                    }
                }
            }
            #expect(attacker.recover(rows: rows, totals: cells.map { $0.reduce(0, +) }).isEmpty, "\(cells)")
        }
    }
}
