import ArgumentParser
import Foundation
import TsunaguCore

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
            try await StaffClient.session { client in
                let handle = try validHandle(handle)
                let done: StaffAPI.Done = try await client.post("/api/v1/cases/\(handle)/transfer", StaffAPI.TransferRequest(to: to))
                Terminal.say("Case \(handle): \(done.status).")
            }
        }
    }

    /// `tsunagu release`: give a case back to the queue.
    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a case you hold back in the queue, at its place (it keeps the time she has waited).")

        @Argument(help: "The case's handle.") var handle: String

        func run() async throws {
            try await StaffClient.session { client in
                let handle = try validHandle(handle)
                let _: StaffAPI.Done = try await client.post("/api/v1/cases/\(handle)/release")
                Terminal.say("Case \(handle) is back in the queue.")
            }
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
            try await StaffClient.session { client in
                let handle = try validHandle(handle)
                let answer: StaffAPI.Closed = try await client.post(
                    "/api/v1/cases/\(handle)/close", StaffAPI.CloseRequest(outcome: outcome, referral: referral))
                if json { return try Terminal.printJSON(answer) }
                Terminal.say("Case \(handle) is closed (\(answer.outcome)\(answer.referral.map { ", referred to \($0)" } ?? "")).")
                if answer.priority != .normal {
                    // Urgent cases weigh on whoever took them.
                    Terminal.say("")
                    Terminal.say("That was an \(answer.priority.rawValue) case. Take a short break before the next one: stand up,")
                    Terminal.say("drink some water, talk with a colleague. tsunagu handover summarises your open cases.")
                }
            }
        }
    }

    /// `tsunagu handover`: what to pass on at the end of a shift.
    struct Handover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarise your shift for hand-over: your open cases with their notes, and who is waiting urgently.",
            discussion: "Reading your notes here is recorded in the audit log like any transcript read.")

        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            try await StaffClient.session { client in
                let answer: StaffAPI.Handover = try await client.get("/api/v1/handover")
                if json { return try Terminal.printJSON(answer) }
                Terminal.say(Terminal.paint("Your open cases", .bold) + " (\(answer.cases.count))")
                if answer.cases.isEmpty { Terminal.say("  none") }
                for held in answer.cases {
                    Terminal.say("  \(held.summary.handle)  \(describe(held.summary))")
                    if held.notes.isEmpty { Terminal.say("        no notes yet: add one with tsunagu note \(held.summary.handle)") }
                    for note in held.notes { Terminal.say("        " + Terminal.line(note)) }
                }
                let waiting = Priority.queueOrder.map { "\(answer.waiting[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
                Terminal.say(Terminal.paint("Waiting", .bold) + ": \(waiting)")
                for item in answer.urgent {
                    Terminal.say("  \(item.handle)  \(item.emergency.map { "EMERGENCY: \($0)" } ?? item.priority.rawValue), waiting \(Terminal.age(since: item.queuedAt))")
                }
            }
        }
    }
}
