import ArgumentParser
import TsunaguClient

extension Tsunagu {
    /// `tsunagu transfer`: hand a case to a colleague or back to the queue.
    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hand a case you hold to a colleague, or back to the queue.",
            discussion: "She is not told again that a counsellor is with her; your colleague reads the transcript and your notes.")

        @Argument(help: "The case's handle.") var handle: String
        @Option(help: ArgumentHelp("The colleague's staff name.", valueName: "name")) var to: String?
        @Flag(help: "Put it back in the queue instead.") var queue = false

        func validate() throws {
            guard (to != nil) != queue else { throw ValidationError("Give either --to NAME or --queue.") }
        }

        func run() async throws {
            try await Composition.session { try await $0.transfer(handle, to: to) }
        }
    }

    /// `tsunagu release`: give a case back to the queue.
    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a case you hold back in the queue, at its place (it keeps the time she has waited).")

        @Argument(help: "The case's handle.") var handle: String

        func run() async throws {
            try await Composition.session { try await $0.release(handle) }
        }
    }

    /// `tsunagu close`: end a case with its outcome.
    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a case you hold with its outcome (and the partner you referred her to).",
            discussion: "She is thanked and asked one question about how it went. tsunagu outcomes lists the outcomes and partners.")

        @Argument(help: "The case's handle.") var handle: String
        @Option(help: ArgumentHelp("How it ended, e.g. listened, informed, referred (see tsunagu outcomes).", valueName: "id"))
        var outcome: String
        @Option(help: ArgumentHelp("The partner you referred her to (see tsunagu outcomes).", valueName: "id")) var referral: String?
        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            try await Composition.session { try await $0.close(handle, outcome: outcome, referral: referral, json: json) }
        }
    }

    /// `tsunagu handover`: what to pass on at the end of a shift.
    struct Handover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarise your shift for hand-over: your open cases with their notes, and who is waiting urgently.",
            discussion: "Reading your notes here is recorded in the audit log like any transcript read.")

        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            try await Composition.session { try await $0.handover(json: json) }
        }
    }
}
