import ArgumentParser
import Foundation
import TsunaguCore
import TsunaguServer

extension Tsunagud {
    /// `tsunagud outbox`: sends by state and the dead letters, read from the database (safe while serving).
    struct Outbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show outgoing sends by state (pending, delivered, deadLettered, withheld) and the dead letters.",
            discussion: "Dead letters show LINE's reason, never message text or ids. Reads the database without changing it.")

        @OptionGroup var options: ConfigOptions

        @Flag(name: .long, help: "Print JSON for scripts.")
        var json = false

        func run() async throws {
            do {
                let counts = try await options.withStores(readOnly: true) { stores in try await stores.outbox.counts() }
                if json {
                    try JSONOutput.print(counts)
                    return
                }
                for state in OutboxState.allCases {
                    print(state.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0) + String(counts.byState[state.rawValue] ?? 0))
                }
                for letter in counts.deadLetters {
                    let when = Date(timeIntervalSince1970: Double(letter.createdAt) / 1000).formatted(.iso8601)
                    print("dead letter \(letter.id.prefix(8))  \(when)  attempts \(letter.attempts)  \(letter.reason ?? "")")
                }
            } catch {
                throw Failure.exit(error)
            }
        }
    }
}
