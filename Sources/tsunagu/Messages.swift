import ArgumentParser
import Foundation
import TsunaguCore

extension Tsunagu {
    /// `tsunagu reply`: send her a message.
    struct Reply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send her a message in a case you hold.",
            discussion: "The text comes from the argument, or from standard input when it is - or left out. --canned sends a template (see tsunagu canned).")

        @Argument(help: "The case's handle.") var handle: String
        @Argument(help: "What to send; - (or nothing) reads standard input.") var text: String?
        @Option(help: ArgumentHelp("Send this reply template instead.", valueName: "id")) var canned: String?

        func validate() throws {
            if canned != nil && text != nil { throw ValidationError("Give a text or --canned, not both.") }
        }

        func run() async throws {
            try await StaffClient.session { client in
                let handle = try validHandle(handle)
                let body = canned.map { StaffAPI.TextRequest(canned: $0) } ?? StaffAPI.TextRequest(text: text.orStandardInput)
                let _: StaffAPI.Done = try await client.post("/api/v1/cases/\(handle)/reply", body)
                Terminal.say("Sent to \(handle).")
            }
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
            try await StaffClient.session { client in
                let handle = try validHandle(handle)
                let _: StaffAPI.Done = try await client.post("/api/v1/cases/\(handle)/notes", StaffAPI.TextRequest(text: text.orStandardInput))
                Terminal.say("Noted in \(handle).")
            }
        }
    }

    /// `tsunagu canned`: the reply templates.
    struct Canned: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the reply templates (send one with tsunagu reply HANDLE --canned ID).",
            discussion: "Templates live in the conversation script (canned:); {hours}, {next_opening} and {contacts} are filled in as of now.")

        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            try await StaffClient.session { client in
                let answer: StaffAPI.Templates = try await client.get("/api/v1/canned")
                if json { return try Terminal.printJSON(answer) }
                for template in answer.templates {
                    Terminal.say(Terminal.paint(template.id, .bold))
                    for line in template.text.split(separator: "\n", omittingEmptySubsequences: false) { Terminal.say("  " + line) }
                }
            }
        }
    }

    /// `tsunagu outcomes`: what `close` takes.
    struct Outcomes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the outcomes and referral partners tsunagu close takes.")

        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            try await StaffClient.session { client in
                let answer: StaffAPI.Choices = try await client.get("/api/v1/choices")
                if json { return try Terminal.printJSON(answer) }
                Terminal.say("Outcomes (--outcome):")
                for choice in answer.outcomes { Terminal.say("  " + Terminal.pad(choice.id, 16) + choice.label) }
                Terminal.say("Referral partners (--referral):")
                for choice in answer.partners { Terminal.say("  " + Terminal.pad(choice.id, 16) + choice.label) }
            }
        }
    }
}

extension Optional<String> {
    /// The text given, or standard input when it is left out or `-`.
    var orStandardInput: String {
        switch self {
        case nil, "-"?: Terminal.readAll()
        case let text?: text
        }
    }
}
