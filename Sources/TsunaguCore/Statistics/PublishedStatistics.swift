/// A period's statistics as supervisors see them: every count protected by ``SmallCellProtection``. This, and
/// never ``StatisticsReport``, is what the staff API answers.
public struct PublishedStatistics: Sendable, Hashable, Codable {
    public var period: StatisticsPeriod
    /// The smallest count shown as a number.
    public var k: Int
    public var people: PublishedCount
    public var peopleTarget: Int
    /// Rounded down; `nil` when ``people`` is hidden.
    public var achievementPercent: Int?
    public var returningPeople: PublishedCount
    public var consultations: PublishedCount
    public var byChannel: [String: PublishedCount]
    public var byTopic: [String: PublishedCount]
    public var byUrgency: [String: PublishedCount]
    public var byOutcome: [String: PublishedCount]
    public var byReferral: [String: PublishedCount]
    public var bySatisfaction: [String: PublishedCount]
    public var emergencies: PublishedCount
    public var outOfHours: PublishedCount
    public var wait: Percentiles?
    public var waitByUrgency: [String: Percentiles]
    /// Waits by band of minutes (see ``StatisticsReport/waitBandNames``).
    public var waitBands: [String: PublishedCount]
    public var waitBySlot: [String: Percentiles]
    public var firstResponse: Percentiles?
    public var firstResponseByUrgency: [String: Percentiles]
    /// `heatmap[weekday][hour]`, weekday 0 = Sunday, Japan time.
    public var heatmap: [[PublishedCount]]
    /// What the ids mean in the office's words, by table (`topic`, `urgency`, `outcome`, `referral`,
    /// `satisfaction`, `channel`): from the conversation script.
    public var labels: [String: [String: String]]

    public init(_ report: StatisticsReport, protection: SmallCellProtection, labels: [String: [String: String]] = [:]) {
        self.labels = labels
        period = report.period
        k = protection.k
        people = protection.scalar(report.people)
        peopleTarget = report.peopleTarget
        achievementPercent = people.value.map { _ in report.achievementPercent }
        returningPeople = protection.scalar(report.returningPeople)
        consultations = protection.scalar(report.consultations)
        byChannel = protection.table(report.byChannel)
        byTopic = protection.table(report.byTopic)
        byUrgency = protection.table(report.byUrgency)
        byOutcome = protection.table(report.byOutcome)
        byReferral = protection.table(report.byReferral)
        bySatisfaction = protection.table(report.bySatisfaction)
        emergencies = protection.scalar(report.emergencies)
        outOfHours = protection.scalar(report.outOfHours)
        wait = protection.percentiles(report.wait)
        waitByUrgency = report.waitByUrgency.compactMapValues(protection.percentiles)
        waitBands = protection.table(report.waitBands)
        waitBySlot = report.waitBySlot.compactMapValues(protection.percentiles)
        firstResponse = protection.percentiles(report.firstResponse)
        firstResponseByUrgency = report.firstResponseByUrgency.compactMapValues(protection.percentiles)
        heatmap = report.heatmap.map { row in protection.table(Array(row.enumerated())).map(\.1) }
    }
}
