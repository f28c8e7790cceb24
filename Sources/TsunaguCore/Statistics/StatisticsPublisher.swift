/// Turns anonymous case records into what supervisors may see for a month or a fiscal year.
///
/// Every breakdown is computed for all twelve months of the fiscal year and for the year, protected together by
/// ``LinkedSuppression``, and only then is the asked-for row taken. So the cells hidden in a month stay hidden
/// when the year and the other months are read as well. Totals of people and consultations are shown in full;
/// returning people (not a sum of months: one person returns in several) and times are published for the period
/// alone, times only when they rest on at least k consultations. Pure.
public struct StatisticsPublisher: Sendable {
    /// The smallest count shown as a number.
    public var k: Int
    public var peopleTarget: Int
    /// What the ids mean, by table (from the conversation script).
    public var labels: [String: [String: String]]

    public init(k: Int, peopleTarget: Int, labels: [String: [String: String]] = [:]) {
        self.k = max(2, k)
        self.peopleTarget = peopleTarget
        self.labels = labels
    }

    /// - Parameters:
    ///   - facts: the cases of the fiscal year `period` lies in (others are ignored).
    ///   - period: a month or a fiscal year (``StatisticsPeriod/isPublishable``).
    public func publish(_ facts: [CaseFacts], period: StatisticsPeriod) -> PublishedStatistics {
        precondition(period.isPublishable, "Statistics are published for a month or a fiscal year.")
        let months = period.monthsOfFiscalYear
        let periods = months + [.fiscalYear(period.fiscalYear)]
        // Each month's report from its own cases: one pass to sort them, not twelve over the year.
        let starts = months.map(\.milliseconds.lowerBound)
        var byMonth = [[CaseFacts]](repeating: [], count: months.count)
        for fact in facts {
            if let month = starts.lastIndex(where: { $0 <= fact.openedAt }) { byMonth[month].append(fact) }
        }
        let reports = zip(periods, byMonth + [facts]).map { StatisticsCalculator.report($1, period: $0, peopleTarget: peopleTarget) }
        let row = periods.firstIndex(of: period) ?? LinkedTable.yearRow
        let report = reports[row]
        let suppression = LinkedSuppression(k: k)

        func publish(_ table: LinkedTable) -> [PublishedCount] {
            let marks = suppression.protect(table)
            return table.columns.indices.map { column in
                switch marks[row][column] {
                case .shown, .unpublished: .count(table.cells[row][column])
                case .small: .suppressed(below: k)
                case .withheld: .withheld
                }
            }
        }
        func breakdown(_ counts: (StatisticsReport) -> [String: Int]) -> [String: PublishedCount] {
            let table = LinkedTable(rows: reports.map(counts))
            return Dictionary(uniqueKeysWithValues: zip(table.columns, publish(table)))
        }
        func share(of consultations: (StatisticsReport) -> Int) -> PublishedCount {
            let cells = reports.map { [consultations($0), $0.consultations - consultations($0)] }
            return publish(LinkedTable(columns: ["of", "rest"], cells: cells, unpublished: [1]))[0]
        }
        func time(_ value: Percentiles?) -> Percentiles? { value.flatMap { $0.count >= k ? $0 : nil } }

        let hours = (0..<7).flatMap { weekday in (0..<24).map { (weekday, $0) } }
        let heatmap = publish(
            LinkedTable(
                columns: hours.map { "\($0.0)-\($0.1)" }, cells: reports.map { report in hours.map { report.heatmap[$0.0][$0.1] } }))

        return PublishedStatistics(
            period: period, k: k, people: .count(report.people), peopleTarget: peopleTarget,
            achievementPercent: report.achievementPercent,
            returningPeople: report.returningPeople > 0 && report.returningPeople < k ? .suppressed(below: k) : .count(report.returningPeople),
            consultations: .count(report.consultations),
            byChannel: breakdown(\.byChannel), byTopic: breakdown(\.byTopic), byUrgency: breakdown(\.byUrgency),
            byOutcome: breakdown(\.byOutcome), byReferral: breakdown(\.byReferral), bySatisfaction: breakdown(\.bySatisfaction),
            emergencies: share(of: \.emergencies), outOfHours: share(of: \.outOfHours),
            wait: time(report.wait), waitByUrgency: report.waitByUrgency.compactMapValues(time), waitBands: breakdown(\.waitBands),
            waitBySlot: report.waitBySlot.compactMapValues(time), firstResponse: time(report.firstResponse),
            firstResponseByUrgency: report.firstResponseByUrgency.compactMapValues(time),
            heatmap: (0..<7).map { Array(heatmap[($0 * 24)..<($0 * 24 + 24)]) }, labels: labels)
    }
}
