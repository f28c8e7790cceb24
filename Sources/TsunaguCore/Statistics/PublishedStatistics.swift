/// A period's statistics as supervisors see them, made by ``StatisticsPublisher``: every breakdown protected by
/// ``LinkedSuppression``. This, and never ``StatisticsReport``, is what the staff API answers.
public struct PublishedStatistics: Sendable, Hashable, Codable {
    public var period: StatisticsPeriod
    /// The smallest count shown as a number.
    public var k: Int
    /// People reached, and consultations: totals are shown in full. They are the programme's KPI, and a total
    /// says nothing about anyone; what is protected is every breakdown of them.
    public var people: PublishedCount
    public var peopleTarget: Int
    /// Rounded down.
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
}
