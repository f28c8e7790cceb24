import ArgumentParser
import Foundation
import TsunaguCore
import TsunaguServer

extension Tsunagud {
    /// `tsunagud purge`: destroys the messages of cases closed longer ago than the retention period, now.
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Destroy the messages of cases closed more than TSUNAGU_RETENTION_MESSAGE_DAYS (default 90) days ago.",
            discussion: """
                The server does this daily by itself; run it to purge at once (safe while the server runs). Each such \
                case's key and transcript are deleted (SQLite's secure_delete overwrites them), so its content cannot be \
                recovered from the database; the anonymous triage record (topic, urgency, times, outcome, referral) is kept for statistics.
                """)

        @OptionGroup var options: ConfigOptions

        @Flag(name: .long, help: "Print JSON for scripts.")
        var json = false

        func run() async throws {
            do {
                let reader = try options.reader()
                let days = try TsunaguConfiguration.retentionDays(reader: reader)
                let count = try await TsunaguConfiguration.database(reader: reader).withStores(
                    readOnly: false, clock: SystemTime.clock
                ) { stores in
                    try await stores.triage.destroyContent(ofCasesClosedBefore: RetentionService.cutoff(days: days, now: SystemTime.clock.now()))
                }
                if json {
                    try JSONOutput.print(["casesPurged": count, "retentionDays": days])
                } else {
                    print("Destroyed the messages of \(count) case\(count == 1 ? "" : "s") closed more than \(days) days ago.")
                }
            } catch {
                throw Failure.exit(error)
            }
        }
    }
}
