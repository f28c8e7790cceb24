import TsunaguCore

extension StaffCommands {
    /// `tsunagu claim`: the case named, or the next one in the queue's order.
    public func claim(_ handle: String?, json: Bool) async throws {
        let summary: CaseSummary = try await client.post(StaffPaths.claim, StaffAPI.ClaimRequest(handle: try handle.map(validHandle)))
        if json { return try terminal.printJSON(summary) }
        terminal.say("You hold case \(summary.handle) (\(describe(summary))).")
        terminal.say("Read it with: tsunagu show \(summary.handle)   Talk with her: tsunagu chat \(summary.handle)")
    }

    /// `tsunagu mine`: the cases you hold.
    public func mine(json: Bool) async throws {
        let answer: StaffAPI.Mine = try await client.get(StaffPaths.mine)
        if json { return try terminal.printJSON(answer) }
        guard !answer.cases.isEmpty else { return terminal.say("You hold no cases; tsunagu claim takes the next one.") }
        let pad = Terminal.pad
        terminal.say(pad("HANDLE", 8) + pad("PRIORITY", 11) + pad("WAITED", 10) + pad("TOPIC", 12) + pad("URGENCY", 10) + "NOTES")
        let now = self.now()
        for summary in answer.cases {
            var notes: [String] = []
            if let emergency = summary.emergency { notes.append("EMERGENCY: \(emergency)") }
            if let until = summary.leaseUntil, until < now { notes.append("claim lapsed") }
            if !summary.reachable { notes.append("blocked us") }
            terminal.say(
                pad(summary.handle, 8) + pad(summary.priority.rawValue, 11)
                    + pad(Terminal.age(since: summary.queuedAt, now: summary.claimedAt ?? now), 10)
                    + pad(summary.topic ?? "-", 12) + pad(summary.urgency ?? "-", 10)
                    + String(notes.joined(separator: ", ").prefix(29)))
        }
        terminal.say("\(answer.cases.count) of at most \(answer.limit).")
    }

    /// `tsunagu show`: a case's transcript and notes (the server audits the read).
    public func show(_ handle: String, json: Bool) async throws {
        let detail: CaseDetail = try await client.get(StaffPaths.caseDetail(try validHandle(handle)))
        if json { return try terminal.printJSON(detail) }
        terminal.say(terminal.paint("Case \(detail.summary.handle)", .bold) + " — \(describe(detail.summary))")
        for line in detail.lines { terminal.say(terminal.line(line)) }
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
