import ArgumentParser
import TsunaguClient

extension Tsunagu {
    /// `tsunagu claim`: take a case from the queue.
    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a case: the one named, or the next in the queue's order.",
            discussion: """
                A claim lasts while you work on the case or keep tsunagu chat or watch running; after \
                TSUNAGU_CLAIM_LEASE_SECONDS of silence (10 minutes by default) the case goes back to the queue.
                """)

        @Argument(help: "The case's handle, as tsunagu queue shows it; leave it out to take the next case.") var handle: String?
        @Flag(help: "Take the next case in the queue's order (the default when no handle is given).") var next = false
        @Flag(help: "Print JSON for scripts.") var json = false

        func validate() throws {
            if next && handle != nil { throw ValidationError("Give a handle or --next, not both.") }
        }

        func run() async throws {
            try await Composition.session { try await $0.claim(handle, json: json) }
        }
    }

    /// `tsunagu mine`: the cases you hold.
    struct Mine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the cases you hold, most urgent first.")

        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            try await Composition.session { try await $0.mine(json: json) }
        }
    }

    /// `tsunagu show`: a case's transcript (recorded in the audit log).
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a case you hold with its whole transcript and your notes.",
            discussion: "Every read of a transcript is written to the audit log.")

        @Argument(help: "The case's handle.") var handle: String
        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            try await Composition.session { try await $0.show(handle, json: json) }
        }
    }
}
