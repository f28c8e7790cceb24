import TsunaguCore

extension StaffCommands {
    /// `tsunagu transfer` and `/transfer` in `chat`: to a colleague, or back to the queue when `colleague` is nil.
    public func transfer(_ handle: String, to colleague: String?) async throws {
        let handle = try validHandle(handle)
        let done: StaffAPI.Done = try await client.post(StaffPaths.transfer(handle), StaffAPI.TransferRequest(to: colleague))
        terminal.say("Case \(handle): \(done.status).")
    }

    /// `tsunagu release`: back to the queue, at its place.
    public func release(_ handle: String) async throws {
        let handle = try validHandle(handle)
        let _: StaffAPI.Done = try await client.post(StaffPaths.release(handle))
        terminal.say("Case \(handle) is back in the queue.")
    }

    /// `tsunagu close` and `/close` in `chat`: the case ends with its outcome (and the partner she was referred to).
    public func close(_ handle: String, outcome: String, referral: String?, json: Bool = false) async throws {
        let handle = try validHandle(handle)
        let answer: StaffAPI.Closed = try await client.post(StaffPaths.close(handle), StaffAPI.CloseRequest(outcome: outcome, referral: referral))
        if json { return try terminal.printJSON(answer) }
        terminal.say("Case \(handle) is closed (\(answer.outcome)\(answer.referral.map { ", referred to \($0)" } ?? "")).")
        if answer.priority != .normal {
            // Urgent cases weigh on whoever took them.
            terminal.say("")
            terminal.say("That was an \(answer.priority.rawValue) case. Take a short break before the next one: stand up,")
            terminal.say("drink some water, talk with a colleague. tsunagu handover summarises your open cases.")
        }
    }

    /// `tsunagu handover`: your open cases with their notes, and who waits urgently (the server audits the read).
    public func handover(json: Bool) async throws {
        let answer: StaffAPI.Handover = try await client.get(StaffPaths.handover)
        if json { return try terminal.printJSON(answer) }
        terminal.say(terminal.paint("Your open cases", .bold) + " (\(answer.cases.count))")
        if answer.cases.isEmpty { terminal.say("  none") }
        for held in answer.cases {
            terminal.say("  \(held.summary.handle)  \(describe(held.summary))")
            if held.notes.isEmpty { terminal.say("        no notes yet: add one with tsunagu note \(held.summary.handle)") }
            for note in held.notes { terminal.say("        " + terminal.line(note)) }
        }
        terminal.say(terminal.paint("Waiting", .bold) + ": " + QueueTable.byPriority(answer.waiting))
        let now = self.now()
        for item in answer.urgent {
            terminal.say(
                "  \(item.handle)  \(item.emergency.map { "EMERGENCY: \($0)" } ?? item.priority.rawValue), waiting \(Terminal.age(since: item.queuedAt, now: now))"
            )
        }
    }
}
