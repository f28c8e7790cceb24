import Testing
import TsunaguCore

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
        let topics = Array(repeating: "work", count: 50) + Array(repeating: "family", count: 40) + Array(repeating: "violence", count: 3)
            + Array(repeating: "health", count: 7)
        var facts: [CaseFacts] = []
        for j in 0..<100 {
            let person = j % 80
            // Tuesday 3rd to Saturday 7th, 9:00 to 16:xx.
            let opened = at(day: 3 + j % 5, hour: 9 + j % 8, minute: j % 60)
            let queued = opened + 60_000
            facts.append(CaseFacts(
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

    @Test func smallCellsAreHiddenAndCannotBeWorkedOutFromTheTotal() {
        let published = PublishedStatistics(
            StatisticsCalculator.report(Self.dataset, period: Self.november, peopleTarget: 100), protection: SmallCellProtection(k: 5))
        #expect(published.byTopic == ["work": .count(50), "family": .count(40), "violence": .suppressed(below: 5), "health": .withheld])
        #expect(published.byOutcome == ["listened": .count(60), "referred": .withheld, "other": .suppressed(below: 5)])
        #expect(published.bySatisfaction == ["good": .withheld, "notgood": .suppressed(below: 5)])
        #expect(published.emergencies == .suppressed(below: 5))
        #expect(published.consultations == .count(100) && published.people == .count(90) && published.achievementPercent == 90)
        // With the total published, the hidden cells of a table can only be known together, never one by one.
        for table in [published.byTopic, published.byOutcome, published.byReferral, published.bySatisfaction, published.byUrgency] {
            let hidden = table.values.filter(\.isHidden).count
            #expect(hidden != 1, "\(table)")
        }
        for row in published.heatmap { #expect(row.filter(\.isHidden).count != 1, "\(row)") }
    }

    @Test func theProtectionRules() {
        let protection = SmallCellProtection(k: 5)
        #expect(protection.scalar(0) == .count(0))
        #expect(protection.scalar(4) == .suppressed(below: 5))
        #expect(protection.scalar(5) == .count(5))
        // Two small cells hide each other; no third cell is needed.
        #expect(protection.table(["a": 2, "b": 3, "c": 90]) == ["a": .suppressed(below: 5), "b": .suppressed(below: 5), "c": .count(90)])
        // The partner is the smallest non-zero other cell; zeros stay shown.
        #expect(protection.table(["a": 1, "b": 0, "c": 9, "d": 20]) == ["a": .suppressed(below: 5), "b": .count(0), "c": .withheld, "d": .count(20)])
        // Times resting on fewer than k people are not shown.
        #expect(protection.percentiles(Percentiles([1, 2, 3, 4])) == nil)
        #expect(protection.percentiles(Percentiles([1, 2, 3, 4, 5]))?.p50 == 3)
    }
}
