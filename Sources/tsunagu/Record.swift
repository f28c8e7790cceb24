import ArgumentParser
import Foundation
import TsunaguCore

extension Tsunagu {
    /// `tsunagu record`: log a phone or in-person consultation for statistics.
    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log a phone or in-person consultation, so the statistics cover every channel.",
            discussion: """
                Only the channel, the day, the topic, the outcome and the referral are kept: write nothing about the \
                person. Topics are the script's (work, family, violence, money, health, pregnancy, school, other); \
                tsunagu outcomes lists the outcomes and partners.
                """)

        enum Channel: String, ExpressibleByArgument, CaseIterable {
            case phone
            case visit
        }

        @Option(help: "How she consulted: phone or visit.") var channel: Channel
        @Option(help: ArgumentHelp("The topic, e.g. work or family.", valueName: "id")) var topic: String
        @Option(help: ArgumentHelp("How it ended, e.g. listened or referred.", valueName: "id")) var outcome: String
        @Option(help: ArgumentHelp("The partner she was referred to.", valueName: "id")) var referral: String?
        @Option(help: ArgumentHelp("The day, YYYY-MM-DD (today when left out).", valueName: "date")) var date: String?

        func validate() throws {
            if let date, CivilDate(date) == nil { throw ValidationError("--date must be a date written YYYY-MM-DD.") }
        }

        func run() async throws {
            let request = StaffAPI.RecordRequest(channel: channel.rawValue, topic: topic, outcome: outcome, referral: referral, date: date)
            let _: StaffAPI.Recorded = try await StaffClient.session { client in try await client.post("/api/v1/consultations", request) }
            Terminal.say("Recorded a \(channel.rawValue) consultation (\(topic), \(outcome)).")
        }
    }
}
