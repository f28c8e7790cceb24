import ArgumentParser
import Foundation
import TsunaguCore

extension Tsunagu {
    /// `tsunagu chat`: talk with her in real time.
    struct Chat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Talk with her in a case you hold: the transcript, her new messages as they arrive, and a line to type.",
            discussion: """
                A line you type is sent to her. Commands: /note TEXT (a private note), /canned (list templates), \
                /canned ID (send one), /close OUTCOME [REFERRAL], /transfer NAME (or /transfer queue), /quit. Start a \
                line with // to send one that begins with /. Works through a pipe too: each line read is one action.
                """)

        @Argument(help: "The case's handle.") var handle: String

        func run() async throws {
            let handle = try validHandle(handle)
            let client = try StaffClient.loggedIn(timeout: .seconds(60))
            defer { client.shutdown() }
            let me: StaffAPI.Me = try await client.get("/api/v1/me")
            let session = ChatSession(client: client, handle: handle, me: me.name)
            let start = try await client.get("/api/v1/events", as: StaffAPI.Events.self).cursor
            try await session.catchUp(header: true)
            Terminal.say(Terminal.paint("Type to send; /note, /canned, /close, /transfer, /quit (/help explains).", .dim))

            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Her side: wake on the feed, then read what is new.
                    var cursor = start
                    while !Task.isCancelled {
                        let answer: StaffAPI.Events = try await client.get("/api/v1/events?after=\(cursor)&wait=25")
                        cursor = answer.cursor
                        for event in answer.events where event.handle == handle {
                            if try await session.handleFeed(event) == .done { return }
                        }
                    }
                }
                group.addTask {
                    for await line in standardInputLines() {
                        if try await session.handleTyped(line) == .done { return }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}

/// One chat: what has been shown, and what a typed line or a feed event does.
actor ChatSession {
    enum Next { case goOn, done }

    let client: StaffClient
    let handle: String
    let me: String
    private var lastLine: Int64 = 0
    /// She typed /close or /transfer: the feed's news of it is her own doing, and her command reports it.
    private var leaving = false

    init(client: StaffClient, handle: String, me: String) {
        self.client = client
        self.handle = handle
        self.me = me
    }

    /// Prints the transcript lines not shown yet (each read is audited, as every read is).
    func catchUp(header: Bool = false) async throws {
        let detail: CaseDetail = try await client.get("/api/v1/cases/\(handle)?after=\(lastLine)")
        if header { Terminal.say(Terminal.paint("Case \(handle)", .bold) + " — \(describe(detail.summary))") }
        for line in detail.lines {
            Terminal.say(Terminal.line(line))
            if line.author == "her" && !header { Terminal.bell() }
        }
        lastLine = detail.lines.last?.id ?? lastLine
    }

    func handleFeed(_ event: StaffEvent) async throws -> Next {
        if leaving && event.kind != .message { return .goOn }
        switch event.kind {
        case .message:
            try await catchUp()
        case .closed:
            Terminal.say(Terminal.paint("Case \(handle) was closed.", .yellow))
            return .done
        case .claimed, .transferred, .released:
            guard event.counsellor != me else { break }
            Terminal.say(Terminal.paint("Case \(handle) is now " + (event.counsellor.map { "held by \($0)." } ?? "back in the queue."), .yellow))
            return .done
        case .queued, .alert:
            if event.kind == .alert {
                Terminal.say(Terminal.paint("Emergency wording (\(event.detail ?? "?")): she has been sent the emergency contacts.", .red))
                Terminal.bell()
            }
        }
        return .goOn
    }

    func handleTyped(_ line: String) async throws -> Next {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return .goOn }
        do {
            if trimmed.hasPrefix("//") || !trimmed.hasPrefix("/") {
                let text = trimmed.hasPrefix("//") ? String(line.drop { $0 == " " }.dropFirst()) : line
                let _: StaffAPI.Done = try await client.post("/api/v1/cases/\(handle)/reply", StaffAPI.TextRequest(text: text))
                try await catchUp()
                return .goOn
            }
            let (command, argument) = split(trimmed)
            switch command {
            case "/quit", "/exit", "/q":
                return .done
            case "/help":
                Terminal.say("A line is sent to her. /note TEXT keeps a private note. /canned lists templates; /canned ID sends one.")
                Terminal.say("/close OUTCOME [REFERRAL] closes (tsunagu outcomes lists them). /transfer NAME or /transfer queue hands it on.")
            case "/note":
                guard !argument.isEmpty else { throw CLIFailure("Write the note after /note.") }
                let _: StaffAPI.Done = try await client.post("/api/v1/cases/\(handle)/notes", StaffAPI.TextRequest(text: argument))
                try await catchUp()
            case "/canned":
                if argument.isEmpty {
                    let answer: StaffAPI.Templates = try await client.get("/api/v1/canned")
                    for template in answer.templates {
                        Terminal.say("  " + Terminal.pad(template.id, 14) + (template.text.split(separator: "\n").first.map(String.init) ?? ""))
                    }
                } else {
                    let _: StaffAPI.Done = try await client.post("/api/v1/cases/\(handle)/reply", StaffAPI.TextRequest(canned: argument))
                    try await catchUp()
                }
            case "/close":
                let words = argument.split(separator: " ").map(String.init)
                guard let outcome = words.first else { throw CLIFailure("Say how it ended: /close OUTCOME [REFERRAL] (tsunagu outcomes lists them).") }
                leaving = true
                let answer: StaffAPI.Closed = try await client.post(
                    "/api/v1/cases/\(handle)/close", StaffAPI.CloseRequest(outcome: outcome, referral: words.dropFirst().first))
                Terminal.say("Case \(handle) is closed (\(answer.outcome)).")
                if answer.priority != .normal {
                    Terminal.say("That was an \(answer.priority.rawValue) case. Take a short break before the next one; tsunagu handover summarises your open cases.")
                }
                return .done
            case "/transfer":
                guard !argument.isEmpty else { throw CLIFailure("Say to whom: /transfer NAME, or /transfer queue.") }
                let to: String? = argument == "queue" ? nil : argument
                leaving = true
                let done: StaffAPI.Done = try await client.post("/api/v1/cases/\(handle)/transfer", StaffAPI.TransferRequest(to: to))
                Terminal.say("Case \(handle): \(done.status).")
                return .done
            default:
                throw CLIFailure("Unknown command \(command.prefix(12)); /help lists them.")
            }
        } catch let failure as CLIFailure {
            leaving = false
            FileHandle.standardError.write(Data("tsunagu: \(failure.sentence)\n".utf8))
        }
        return .goOn
    }

    private func split(_ line: String) -> (String, String) {
        guard let space = line.firstIndex(of: " ") else { return (line, "") }
        return (String(line[..<space]), line[space...].trimmingCharacters(in: .whitespaces))
    }
}
