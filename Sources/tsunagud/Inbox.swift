import ArgumentParser
import Foundation
import TsunaguCore
import TsunaguServer

extension Tsunagud {
    /// `tsunagud inbox`: the inbox's counts, read from the database (works while the server runs).
    struct Inbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how many webhook events are stored, repeated, pending and processed.",
            discussion: "Reads the database named by TSUNAGU_DATABASE (or the config file) without changing it.")

        @OptionGroup var options: ConfigOptions

        @Flag(name: .long, help: "Print JSON for scripts.")
        var json = false

        func run() async throws {
            do {
                let counts = try await options.withStores(readOnly: true) { stores in try await stores.inbox.counts() }
                if json {
                    try JSONOutput.print(counts)
                } else {
                    for (name, value) in [
                        ("stored", counts.stored), ("duplicates", counts.duplicates),
                        ("pending", counts.pending), ("processed", counts.processed),
                    ] {
                        print(name.padding(toLength: 12, withPad: " ", startingAt: 0) + String(value))
                    }
                }
            } catch {
                throw Failure.exit(error)
            }
        }
    }
}
