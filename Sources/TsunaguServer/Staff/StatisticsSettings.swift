/// What statistics are measured against and how they are protected.
public struct StatisticsSettings: Sendable, Hashable {
    /// The programme's KPI: people reached in its year (compared as it is with whatever period is asked for).
    public var peopleTarget: Int
    /// Counts from 1 to `minimumCell − 1` are published as 「<k」.
    public var minimumCell: Int

    public init(peopleTarget: Int = 1000, minimumCell: Int = 5) {
        self.peopleTarget = peopleTarget
        self.minimumCell = minimumCell
    }
}
