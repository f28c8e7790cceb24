import Foundation
public import Hummingbird
import TsunaguCore
public import TsunaguStore

/// `GET /api/v1/stats[?from=YYYY-MM-DD&to=YYYY-MM-DD]`: a period's statistics for supervisors, computed from the
/// anonymous case records and published only through ``SmallCellProtection``. Without dates: this month so far
/// (Japan time).
public struct StatisticsController<Context: RequestContext>: Sendable {
    let authenticator: StaffAuthenticator
    let store: SQLiteStatisticsStore
    let settings: StatisticsSettings
    let labels: [String: [String: String]]
    let now: @Sendable () -> Int64

    /// - Parameter labels: what the ids mean, by table (from the conversation script).
    public init(
        database: SQLiteDatabase, settings: StatisticsSettings, labels: [String: [String: String]] = [:], now: @escaping @Sendable () -> Int64
    ) {
        self.labels = labels
        self.authenticator = StaffAuthenticator(store: SQLiteStaffStore(database: database))
        self.store = SQLiteStatisticsStore(database: database)
        self.settings = settings
        self.now = now
    }

    public func addRoutes(to router: Router<Context>) {
        router.group("api/v1").get("stats") { request, _ -> PublishedStatistics in
            _ = try await authenticator.member(for: request, allowing: [.supervisor])
            let period = try period(of: request)
            let facts = try await store.facts(openedIn: period.milliseconds)
            let report = StatisticsCalculator.report(facts, period: period, peopleTarget: settings.peopleTarget)
            return PublishedStatistics(report, protection: SmallCellProtection(k: settings.minimumCell), labels: labels)
        }
    }

    private func period(of request: Request) throws -> StatisticsPeriod {
        let today = JapanTime(milliseconds: now()).date
        let from = try date(request, "from") ?? CivilDate(year: today.year, month: today.month, day: 1)
        let to = try date(request, "to") ?? today
        guard from <= to, to.epochDays - from.epochDays < 3660 else {
            throw APIError(.badRequest, code: "invalid_period", "from must not be after to, and a period is at most ten years.")
        }
        return StatisticsPeriod(from: from, to: to)
    }

    private func date(_ request: Request, _ name: String) throws -> CivilDate? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let date = CivilDate(text) else {
            throw APIError(.badRequest, code: "invalid_query", "\(name) must be a date written YYYY-MM-DD.")
        }
        return date
    }
}

extension PublishedStatistics: ResponseEncodable {}
