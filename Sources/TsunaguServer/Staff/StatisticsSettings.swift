public import TsunaguCore

/// What statistics are measured against and how they are protected.
public struct StatisticsSettings: Sendable, Hashable {
    /// The programme's KPI: people reached in its year (compared as it is with whatever period is asked for).
    public var peopleTarget: Int
    /// Counts from 1 to `minimumCell − 1` are published as 「<k」.
    public var minimumCell: Int
    /// The KPI's name and sum in the programme report.
    public var kpiName: String
    public var kpiFormula: KPIFormula
    /// Until when records may be dated in a month that has ended.
    public var recordingWindow: RecordingWindow

    public init(
        peopleTarget: Int = 1000, minimumCell: Int = 5, kpiName: String = "事業利用者数（人）", kpiFormula: KPIFormula = .programme,
        recordsOpenDays: Int = 10
    ) {
        self.peopleTarget = peopleTarget
        self.minimumCell = minimumCell
        self.kpiName = kpiName
        self.kpiFormula = kpiFormula
        self.recordingWindow = RecordingWindow(openDays: recordsOpenDays)
    }
}
