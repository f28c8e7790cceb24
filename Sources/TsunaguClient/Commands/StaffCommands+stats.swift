import Foundation
import TsunaguCore

extension StaffCommands {
    /// `tsunagu stats`: a month's or a fiscal year's statistics, or the programme's report (supervisors).
    public func statistics(_ request: StatisticsRequest) async throws {
        if let report = request.report { return try await programme(report, request) }
        let (from, to) = request.days
        let stats: PublishedStatistics = try await client.get(StaffPaths.statistics(from: from, to: to))
        if let html = request.html { try write(StatisticsHTML.page(stats), to: html) }
        if request.json { return try terminal.printJSON(stats) }
        if request.csv { return terminal.say(StatisticsText.csv(stats)) }
        terminal.say(StatisticsText.table(stats))
    }

    /// The programme's report (or its KPI alone) for a fiscal year: this one, in Japan time, when none is given.
    private func programme(_ report: StatisticsRequest.Report, _ request: StatisticsRequest) async throws {
        let year = request.fiscalYear ?? StatisticsPeriod.fiscalYear(of: JapanTime(milliseconds: now()).date)
        let programme: ProgrammeReport = try await client.get(StaffPaths.programme(fiscalYear: year))
        if let html = request.html { try write(ProgrammeHTML.page(programme), to: html) }
        if request.json { return try terminal.printJSON(programme) }
        if request.csv { return terminal.say(ProgrammeText.csv(programme)) }
        terminal.say(report == .kpi ? ProgrammeText.kpi(programme) : ProgrammeText.table(programme))
    }

    private func write(_ page: String, to path: String) throws(CLIFailure) {
        guard FileManager.default.createFile(atPath: path, contents: Data(page.utf8)) else {
            throw CLIFailure("Cannot write \(path); check that its folder exists and is writable.")
        }
    }
}
