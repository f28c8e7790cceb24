import ArgumentParser
import TsunaguClient

extension Tsunagu {
    /// `tsunagu queue`: who is waiting, most urgent first.
    struct Queue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the cases waiting for a counsellor: emergency and urgent first, then the longest waiting.")

        @Option(help: "Show at most this many cases (the counts cover all of them).") var limit = 50
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000.") }
        }

        func run() async throws {
            try await Composition.session { try await $0.queue(limit: limit, json: json) }
        }
    }

    /// `tsunagu watch`: the live queue.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Watch the queue live; the terminal bell rings when an urgent case or an emergency arrives.",
            discussion:
                "The queue is redrawn whenever something changes (and at least every 25 seconds). Running it keeps your claims alive. Stop it with Ctrl-C."
        )

        @Option(help: "Stop after this many redraws (for scripts).") var updates: Int?

        func validate() throws {
            if let updates, updates < 1 { throw ValidationError("--updates must be 1 or more.") }
        }

        func run() async throws {
            try await Composition.session(timeout: .seconds(60)) { try await $0.watch(updates: updates) }
        }
    }
}
