/// Computes a period's ``StatisticsReport`` from anonymous case records: pure, so that every figure is tested
/// against a generated dataset with known answers.
public enum StatisticsCalculator {
    /// - Parameters:
    ///   - facts: the cases opened in `period` (others are ignored).
    ///   - peopleTarget: the programme's KPI for people reached in the period.
    public static func report(_ facts: [CaseFacts], period: StatisticsPeriod, peopleTarget: Int) -> StatisticsReport {
        var report = StatisticsReport(period: period, peopleTarget: peopleTarget)
        let range = period.milliseconds
        let cases = facts.filter { range.contains($0.openedAt) }

        var people: Set<String> = []
        var returning: Set<String> = []
        var anonymous = 0
        for fact in cases {
            guard let person = fact.person else {
                anonymous += 1
                continue
            }
            people.insert(person)
            if let first = fact.personFirstSeenAt, first < range.lowerBound { returning.insert(person) }
            let time = JapanTime(milliseconds: fact.openedAt)
            report.heatmap[time.date.weekday.rawValue][time.minuteOfDay / 60] += 1
        }
        report.people = people.count + anonymous
        report.returningPeople = returning.count
        report.achievementPercent = peopleTarget > 0 ? report.people * 100 / peopleTarget : 0

        let consultations = cases.filter { $0.queuedAt != nil || $0.channel != .line }
        report.consultations = consultations.count
        var waits: [Double] = []
        var waitsByUrgency: [String: [Double]] = [:]
        var waitsBySlot: [String: [Double]] = [:]
        var responses: [Double] = []
        var responsesByUrgency: [String: [Double]] = [:]
        for fact in consultations {
            report.byChannel[fact.channel.rawValue, default: 0] += 1
            report.byTopic[fact.topic ?? "unknown", default: 0] += 1
            if let urgency = fact.urgency { report.byUrgency[urgency, default: 0] += 1 }
            if let outcome = fact.outcome { report.byOutcome[outcome, default: 0] += 1 }
            if let referral = fact.referral { report.byReferral[referral, default: 0] += 1 }
            if let satisfaction = fact.satisfaction { report.bySatisfaction[satisfaction, default: 0] += 1 }
            if fact.emergency != nil { report.emergencies += 1 }
            if fact.outOfHours { report.outOfHours += 1 }
            if let queued = fact.queuedAt, let claimed = fact.claimedAt, claimed >= queued {
                let minutes = Double(claimed - queued) / 60_000
                waits.append(minutes)
                report.waitBands[StatisticsReport.waitBand(minutes: minutes), default: 0] += 1
                waitsByUrgency[fact.urgency ?? "unknown", default: []].append(minutes)
                waitsBySlot[fact.outOfHours ? "out-of-hours" : "in-hours", default: []].append(minutes)
                waitsBySlot[StatisticsReport.hourSlot(of: queued), default: []].append(minutes)
            }
            if let queued = fact.queuedAt, let responded = fact.firstResponseAt, responded >= queued {
                let minutes = Double(responded - queued) / 60_000
                responses.append(minutes)
                responsesByUrgency[fact.urgency ?? "unknown", default: []].append(minutes)
            }
        }
        report.wait = Percentiles(waits)
        report.waitByUrgency = waitsByUrgency.compactMapValues(Percentiles.init)
        report.waitBySlot = waitsBySlot.compactMapValues(Percentiles.init)
        report.firstResponse = Percentiles(responses)
        report.firstResponseByUrgency = responsesByUrgency.compactMapValues(Percentiles.init)
        return report
    }
}
