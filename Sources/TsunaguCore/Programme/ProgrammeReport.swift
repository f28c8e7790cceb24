/// The programme's annual report in the city's own form: 目標・KPI (target, actual, rate) and 事業の概要 (every
/// service's figures), for each month of a fiscal year and the year. Made by ``ProgrammePublisher``; this, never
/// the raw entries, is what supervisors read.
///
/// Totals are shown in full, as the programme publishes them; their breakdowns that count people (channels,
/// purposes, places, those who consulted) are protected by ``LinkedSuppression`` across the months and the year,
/// as the statistics are. Products count items, not people, and are shown as they are.
public struct ProgrammeReport: Sendable, Hashable, Codable {
    public var fiscalYear: Int
    /// The smallest count shown as a number.
    public var k: Int
    public var kpi: KPI
    /// The citizens' survey figure entered for this fiscal year, if any.
    public var indicator: OutcomeIndicator?
    /// April first.
    public var months: [ProgrammeRow]
    public var year: ProgrammeRow
    /// Products handed out in the year, by facility.
    public var productsByFacility: [String: Int]
    /// The year's events, in date order.
    public var events: [ProgrammeEvent]
    /// What the ids mean, by list (`place`, `facility`, `partner`, `purpose`, `channel`).
    public var labels: [String: [String: String]]

    public struct KPI: Sendable, Hashable, Codable {
        /// The KPI's name in the report, e.g. 事業利用者数（人）.
        public var name: String
        public var formula: String
        public var target: Int
        public var actual: Int
        /// Rounded down, as the city reports it; `nil` without a target.
        public var achievementPercent: Int?

        public init(name: String, formula: String, target: Int, actual: Int) {
            (self.name, self.formula, self.target, self.actual) = (name, formula, target, actual)
            self.achievementPercent = target > 0 ? actual * 100 / target : nil
        }
    }
}

/// One month's (or the year's) figures of every service.
public struct ProgrammeRow: Sendable, Hashable, Codable {
    public var period: StatisticsPeriod
    /// The KPI's sum for this period.
    public var users: Int
    /// Consultations over every channel: LINE cases that reached a counsellor, and those logged.
    public var consultations: Int
    public var consultationsByChannel: [String: PublishedCount]
    public var suitRentals: Int
    public var suitsByPurpose: [String: PublishedCount]
    /// Rentals where a counsellor listened, and where she was referred on.
    public var suitsListened: PublishedCount
    public var suitsReferred: PublishedCount
    public var dropInSessions: Int
    public var dropInParticipants: Int
    public var dropInByPlace: [String: PublishedCount]
    /// Sessions with an on-site consultation, and the participants who consulted.
    public var onSiteSessions: Int
    public var onSiteConsulted: PublishedCount
    public var products: Int
    /// Facilities that handed products out.
    public var productFacilities: Int
    /// Event participants counted for the first time, and those already counted in another service (再掲).
    public var eventParticipants: Int
    public var eventParticipantsRepeated: Int
}
