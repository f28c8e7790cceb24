/// The figures of a period, before small-cell protection: counts, shares and times computed from the
/// anonymous records alone. ``StatisticsPublisher`` turns it into what may be published.
public struct StatisticsReport: Sendable, Hashable, Codable {
    public var period: StatisticsPeriod
    /// People who contacted the office in the period (LINE pseudonyms, and each logged consultation).
    public var people: Int
    /// The programme's target for people reached, and the achievement rate in percent (rounded down).
    public var peopleTarget: Int
    public var achievementPercent: Int
    /// Of ``people``, those who had contacted the office before the period.
    public var returningPeople: Int
    /// Cases that reached a counsellor's queue (or were logged by one): consultations.
    public var consultations: Int
    public var byChannel: [String: Int]
    public var byTopic: [String: Int]
    public var byUrgency: [String: Int]
    public var byOutcome: [String: Int]
    public var byReferral: [String: Int]
    public var bySatisfaction: [String: Int]
    /// Consultations where emergency wording was detected.
    public var emergencies: Int
    /// Consultations that arrived outside office hours.
    public var outOfHours: Int
    /// Minutes from queueing to a counsellor taking the case: overall and by urgency.
    public var wait: Percentiles?
    public var waitByUrgency: [String: Percentiles]
    /// Waits by band of minutes (``waitBandNames``), for the distribution chart.
    public var waitBands: [String: Int]
    /// Waits of the consultations that arrived in office hours (`in-hours`) and outside them (`out-of-hours`), and
    /// by the time of day they reached the queue, Japan time (``hourSlotNames``).
    public var waitBySlot: [String: Percentiles]
    /// Minutes from queueing to a counsellor's first reply: overall and by urgency.
    public var firstResponse: Percentiles?
    public var firstResponseByUrgency: [String: Percentiles]
    /// Arrivals by weekday (0 = Sunday) and hour, Japan time: `heatmap[weekday][hour]`.
    public var heatmap: [[Int]]

    public init(period: StatisticsPeriod, peopleTarget: Int) {
        self.period = period
        self.people = 0
        self.peopleTarget = peopleTarget
        self.achievementPercent = 0
        self.returningPeople = 0
        self.consultations = 0
        self.byChannel = [:]
        self.byTopic = [:]
        self.byUrgency = [:]
        self.byOutcome = [:]
        self.byReferral = [:]
        self.bySatisfaction = [:]
        self.emergencies = 0
        self.outOfHours = 0
        self.wait = nil
        self.waitByUrgency = [:]
        self.waitBands = [:]
        self.waitBySlot = [:]
        self.firstResponse = nil
        self.firstResponseByUrgency = [:]
        self.heatmap = Array(repeating: Array(repeating: 0, count: 24), count: 7)
    }
}

extension StatisticsReport {
    /// The bands of ``waitBands``, shortest first, with the minutes each starts at.
    public static let waitBandNames: [(name: String, from: Double)] = [
        ("0-4", 0), ("5-14", 5), ("15-29", 15), ("30-59", 30), ("60+", 60),
    ]

    /// The time-of-day slots of ``waitBySlot``: six hours each, Japan time.
    public static let hourSlotNames = ["00-06", "06-12", "12-18", "18-24"]

    static func hourSlot(of milliseconds: Int64) -> String { hourSlotNames[JapanTime(milliseconds: milliseconds).minuteOfDay / 360] }

    static func waitBand(minutes: Double) -> String {
        waitBandNames.last { minutes >= $0.from }?.name ?? waitBandNames[0].name
    }
}

/// The median and the 90th percentile of some minutes, and how many values they rest on.
public struct Percentiles: Sendable, Hashable, Codable {
    public var count: Int
    public var p50: Double
    public var p90: Double

    /// Nearest-rank percentiles of `values`; `nil` when there are none.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        func rank(_ p: Double) -> Double { sorted[max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1)] }
        self.count = sorted.count
        self.p50 = rank(0.5)
        self.p90 = rank(0.9)
    }
}
