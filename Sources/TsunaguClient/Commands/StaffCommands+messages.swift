import TsunaguCore

extension StaffCommands {
    /// `tsunagu reply`: a template, or else the text `text` reads (once the handle is known to be one).
    public func reply(_ handle: String, canned: String?, text: () -> String) async throws {
        let handle = try validHandle(handle)
        try await send(canned.map { StaffAPI.TextRequest(canned: $0) } ?? StaffAPI.TextRequest(text: text()), to: handle)
        terminal.say("Sent to \(handle).")
    }

    /// `tsunagu note`: a private note, never sent to her; `text` reads it once the handle is known to be one.
    public func note(_ handle: String, text: () -> String) async throws {
        let handle = try validHandle(handle)
        try await keepNote(text(), in: handle)
        terminal.say("Noted in \(handle).")
    }

    /// `tsunagu canned`: the reply templates, filled in as of now; `brief` (in `chat`) shows each one's first line.
    public func canned(json: Bool, brief: Bool = false) async throws {
        let answer: StaffAPI.Templates = try await client.get(StaffPaths.canned)
        if json { return try terminal.printJSON(answer) }
        for template in answer.templates {
            if brief {
                terminal.say("  " + Terminal.pad(template.id, 14) + (template.text.split(separator: "\n").first.map(String.init) ?? ""))
                continue
            }
            terminal.say(terminal.paint(template.id, .bold))
            for line in template.text.split(separator: "\n", omittingEmptySubsequences: false) { terminal.say("  " + line) }
        }
    }

    /// `tsunagu outcomes`: what `close` takes.
    public func outcomes(json: Bool) async throws {
        let answer: StaffAPI.Choices = try await client.get(StaffPaths.choices)
        if json { return try terminal.printJSON(answer) }
        terminal.say("Outcomes (--outcome):")
        for choice in answer.outcomes { terminal.say("  " + Terminal.pad(choice.id, 16) + choice.label) }
        terminal.say("Referral partners (--referral):")
        for choice in answer.partners { terminal.say("  " + Terminal.pad(choice.id, 16) + choice.label) }
    }

    /// The request of `reply` and of a line typed in `chat`.
    func send(_ body: StaffAPI.TextRequest, to handle: String) async throws(CLIFailure) {
        let _: StaffAPI.Done = try await client.post(StaffPaths.reply(handle), body)
    }

    /// The request of `note` and of `/note` in `chat`.
    func keepNote(_ text: String, in handle: String) async throws(CLIFailure) {
        let _: StaffAPI.Done = try await client.post(StaffPaths.notes(handle), StaffAPI.TextRequest(text: text))
    }
}
