import Foundation
public import Hummingbird
public import TsunaguCore

/// `GET /api/v1/stats[?from=YYYY-MM-DD&to=YYYY-MM-DD]`: a month's or a fiscal year's statistics for supervisors,
/// computed from the anonymous case records and published only through ``StatisticsPublisher``. Without dates:
/// this month (Japan time). Any other period is refused: it could be set against an overlapping one to work out a
/// hidden cell.
public struct StatisticsController<Context: RequestContext>: Sendable {
    let authenticator: StaffAuthenticator
    let store: any StatisticsStore
    let settings: StatisticsSettings
    let labels: [String: [String: String]]
    let clock: WallClock

    /// - Parameter labels: what the ids mean, by table (from the conversation script).
    public init(
        stores: StoreSet, authenticationGuard: AuthenticationGuard, settings: StatisticsSettings, labels: [String: [String: String]] = [:],
        clock: WallClock
    ) {
        self.labels = labels
        self.authenticator = StaffAuthenticator(store: stores.staff, guard: authenticationGuard)
        self.store = stores.statistics
        self.settings = settings
        self.clock = clock
    }

    public func addRoutes(to router: Router<Context>) {
        router.group("api/v1").get("stats") { request, _ -> PublishedStatistics in
            _ = try await authenticator.member(for: request, allowing: [.supervisor])
            let period = try period(of: request)
            let year = StatisticsPeriod.fiscalYear(period.fiscalYear)
            let facts = try await store.facts(openedIn: year.milliseconds)
            return StatisticsPublisher(k: settings.minimumCell, peopleTarget: settings.peopleTarget, labels: labels).publish(facts, period: period)
        }
    }

    private func period(of request: Request) throws -> StatisticsPeriod {
        let today = JapanTime(milliseconds: clock.now()).date
        let month = StatisticsPeriod.month(today.year, today.month)
        let period = StatisticsPeriod(from: try date(request, "from") ?? month.from, to: try date(request, "to") ?? month.to)
        guard period.isPublishable else {
            throw APIError(
                .badRequest, code: "unpublished_period",
                "Statistics are published for a calendar month (its first to its last day) or a fiscal year (1 April to 31 March).")
        }
        return period
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
