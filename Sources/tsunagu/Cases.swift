import ArgumentParser
import Foundation
import TsunaguCore

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
            try await StaffClient.session { client in
                let summary: CaseSummary = try await client.post(
                    "/api/v1/queue/claim", StaffAPI.ClaimRequest(handle: try handle.map(validHandle)))
                if json { return try Terminal.printJSON(summary) }
                Terminal.say("You hold case \(summary.handle) (\(describe(summary))).")
                Terminal.say("Read it with: tsunagu show \(summary.handle)   Talk with her: tsunagu chat \(summary.handle)")
            }
        }
    }

    /// `tsunagu mine`: the cases you hold.
    struct Mine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the cases you hold, most urgent first.")

        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            try await StaffClient.session { client in
                let answer: StaffAPI.Mine = try await client.get("/api/v1/mine")
                if json { return try Terminal.printJSON(answer) }
                guard !answer.cases.isEmpty else { return Terminal.say("You hold no cases; tsunagu claim takes the next one.") }
                Terminal.say(Terminal.pad("HANDLE", 8) + Terminal.pad("PRIORITY", 11) + Terminal.pad("WAITED", 10) + Terminal.pad("TOPIC", 12)
                    + Terminal.pad("URGENCY", 10) + "NOTES")
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                for summary in answer.cases {
                    var notes: [String] = []
                    if let emergency = summary.emergency { notes.append("EMERGENCY: \(emergency)") }
                    if let until = summary.leaseUntil, until < now { notes.append("claim lapsed") }
                    if !summary.reachable { notes.append("blocked us") }
                    Terminal.say(
                        Terminal.pad(summary.handle, 8) + Terminal.pad(summary.priority.rawValue, 11)
                            + Terminal.pad(Terminal.age(since: summary.queuedAt, now: summary.claimedAt ?? now), 10)
                            + Terminal.pad(summary.topic ?? "-", 12) + Terminal.pad(summary.urgency ?? "-", 10)
                            + String(notes.joined(separator: ", ").prefix(29)))
                }
                Terminal.say("\(answer.cases.count) of at most \(answer.limit).")
            }
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
            try await StaffClient.session { client in
                let detail: CaseDetail = try await client.get("/api/v1/cases/\(try validHandle(handle))")
                if json { return try Terminal.printJSON(detail) }
                Terminal.say(Terminal.paint("Case \(detail.summary.handle)", .bold) + " — \(describe(detail.summary))")
                for line in detail.lines { Terminal.say(Terminal.line(line)) }
            }
        }
    }
}

/// `urgent, work, today, waiting 12 min`: a case's triage in a few words.
func describe(_ summary: CaseSummary) -> String {
    var parts = [summary.priority.rawValue]
    if let emergency = summary.emergency { parts[0] = "EMERGENCY: \(emergency)" }
    if let topic = summary.topic { parts.append(topic) }
    if let urgency = summary.urgency { parts.append(urgency) }
    if summary.outOfHours { parts.append("came out of hours") }
    if !summary.reachable { parts.append("she blocked the account") }
    return parts.joined(separator: ", ")
}
