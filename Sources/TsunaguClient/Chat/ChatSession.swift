import Foundation
import TsunaguCore

/// One chat: what has been shown, and what a typed line or a feed event does.
///
/// A slash command calls the same ``StaffCommands`` method as its subcommand (`/close` is `tsunagu close`,
/// `/transfer` is `tsunagu transfer`), so both send one request and print one text. A line sent to her and a
/// note are confirmed by their line in the transcript, shown at once, rather than by the subcommands' "Sent to".
actor ChatSession {
    enum Next { case goOn, done }

    let commands: StaffCommands
    let handle: String
    let me: String
    private var lastLine: Int64 = 0
    /// The counsellor typed /close or /transfer: the feed's news of it is her own doing, and her command reports it.
    private var leaving = false

    init(commands: StaffCommands, handle: String, me: String) {
        self.commands = commands
        self.handle = handle
        self.me = me
    }

    private var terminal: Terminal { commands.terminal }

    /// Prints the transcript lines not shown yet (each read is audited, as every read is).
    func catchUp(header: Bool = false) async throws {
        let detail: CaseDetail = try await commands.client.get(StaffPaths.caseDetail(handle, after: lastLine))
        if header { terminal.say(terminal.paint("Case \(handle)", .bold) + " — \(describe(detail.summary))") }
        // The actor lets a typed line's catch-up and a feed event's run at once: both may fetch the same lines, so
        // each is shown only if no other catch-up showed it meanwhile (she must not seem to have written twice).
        for line in detail.lines where line.id > lastLine {
            terminal.say(terminal.line(line))
            if line.author == "her" && !header { terminal.bell() }
            lastLine = line.id
        }
    }

    func handleFeed(_ event: StaffEvent) async throws -> Next {
        if leaving && event.kind != .message { return .goOn }
        switch event.kind {
        case .message:
            try await catchUp()
        case .closed:
            terminal.say(terminal.paint("Case \(handle) was closed.", .yellow))
            return .done
        case .claimed, .transferred, .released:
            guard event.counsellor != me else { break }
            terminal.say(terminal.paint("Case \(handle) is now " + (event.counsellor.map { "held by \($0)." } ?? "back in the queue."), .yellow))
            return .done
        case .queued, .alert:
            if event.kind == .alert {
                terminal.say(terminal.paint("Emergency wording (\(event.detail ?? "?")): she has been sent the emergency contacts.", .red))
                terminal.bell()
            }
        }
        return .goOn
    }

    /// A line is sent to her; a line starting with `/` is a command, and `//` sends one that begins with `/`.
    /// A failure is said on standard error and the chat goes on.
    func handleTyped(_ line: String) async throws -> Next {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return .goOn }
        do {
            if trimmed.hasPrefix("//") || !trimmed.hasPrefix("/") {
                let text = trimmed.hasPrefix("//") ? String(line.drop { $0 == " " }.dropFirst()) : line
                try await commands.send(StaffAPI.TextRequest(text: text), to: handle)
                try await catchUp()
                return .goOn
            }
            return try await command(trimmed)
        } catch let failure as CLIFailure {
            leaving = false
            terminal.fail(failure)
        }
        return .goOn
    }

    private func command(_ line: String) async throws -> Next {
        let (command, argument) = split(line)
        switch command {
        case "/quit", "/exit", "/q":
            return .done
        case "/help":
            terminal.say("A line is sent to her. /note TEXT keeps a private note. /canned lists templates; /canned ID sends one.")
            terminal.say("/close OUTCOME [REFERRAL] closes (tsunagu outcomes lists them). /transfer NAME or /transfer queue hands it on.")
        case "/note":
            guard !argument.isEmpty else { throw CLIFailure("Write the note after /note.") }
            try await commands.keepNote(argument, in: handle)
            try await catchUp()
        case "/canned":
            guard !argument.isEmpty else {
                try await commands.canned(json: false, brief: true)
                return .goOn
            }
            try await commands.send(StaffAPI.TextRequest(canned: argument), to: handle)
            try await catchUp()
        case "/close":
            let words = argument.split(separator: " ").map(String.init)
            guard let outcome = words.first else { throw CLIFailure("Say how it ended: /close OUTCOME [REFERRAL] (tsunagu outcomes lists them).") }
            leaving = true
            try await commands.close(handle, outcome: outcome, referral: words.dropFirst().first)
            return .done
        case "/transfer":
            guard !argument.isEmpty else { throw CLIFailure("Say to whom: /transfer NAME, or /transfer queue.") }
            leaving = true
            try await commands.transfer(handle, to: argument == "queue" ? nil : argument)
            return .done
        default:
            throw CLIFailure("Unknown command \(command.prefix(12)); /help lists them.")
        }
        return .goOn
    }

    private func split(_ line: String) -> (String, String) {
        guard let space = line.firstIndex(of: " ") else { return (line, "") }
        return (String(line[..<space]), line[space...].trimmingCharacters(in: .whitespaces))
    }
}
