import ArgumentParser
import TsunaguClient

extension Tsunagu {
    /// `tsunagu reply`: send her a message.
    struct Reply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send her a message in a case you hold.",
            discussion:
                "The text comes from the argument, or from standard input when it is - or left out. --canned sends a template (see tsunagu canned).")

        @Argument(help: "The case's handle.") var handle: String
        @Argument(help: "What to send; - (or nothing) reads standard input.") var text: String?
        @Option(help: ArgumentHelp("Send this reply template instead.", valueName: "id")) var canned: String?

        func validate() throws {
            if canned != nil && text != nil { throw ValidationError("Give a text or --canned, not both.") }
        }

        func run() async throws {
            try await Composition.session { try await $0.reply(handle, canned: canned) { text.orStandardInput } }
        }
    }

    /// `tsunagu note`: a private note.
    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep a private note with a case you hold (never sent to her).",
            discussion: "Notes are encrypted with the case and destroyed with it; they appear in tsunagu show and tsunagu handover.")

        @Argument(help: "The case's handle.") var handle: String
        @Argument(help: "The note; - (or nothing) reads standard input.") var text: String?

        func run() async throws {
            try await Composition.session { try await $0.note(handle) { text.orStandardInput } }
        }
    }

    /// `tsunagu canned`: the reply templates.
    struct Canned: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the reply templates (send one with tsunagu reply HANDLE --canned ID).",
            discussion: "Templates live in the conversation script (canned:); {hours}, {next_opening} and {contacts} are filled in as of now.")

        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            try await Composition.session { try await $0.canned(json: json) }
        }
    }

    /// `tsunagu outcomes`: what `close` takes.
    struct Outcomes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the outcomes and referral partners tsunagu close takes.")

        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            try await Composition.session { try await $0.outcomes(json: json) }
        }
    }
}
