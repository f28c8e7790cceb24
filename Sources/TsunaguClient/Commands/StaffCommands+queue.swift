import TsunaguCore

extension StaffCommands {
    /// `tsunagu queue`: who is waiting, most urgent first.
    public func queue(limit: Int, json: Bool) async throws {
        let answer: StaffAPI.Queue = try await client.get(StaffPaths.queue(limit: limit))
        if json { return try terminal.printJSON(answer) }
        terminal.say(QueueTable.render(answer.cases, now: now()))
        if !answer.cases.isEmpty { terminal.say(QueueTable.counts(answer.waiting)) }
    }

    /// `tsunagu watch`: the queue redrawn whenever the live feed says something changed, the bell for an urgent
    /// case or an emergency; `updates` redraws, or until cancelled.
    public func watch(updates: Int?) async throws {
        var cursor = try await client.get(StaffPaths.feed(), as: StaffAPI.Events.self).cursor
        var drawn = 0
        var alerts: [String] = []
        while true {
            let queue: StaffAPI.Queue = try await client.get(StaffPaths.queue(limit: 20))
            draw(queue, alerts: alerts)
            drawn += 1
            if let updates, drawn >= updates { return }
            let answer: StaffAPI.Events = try await client.get(StaffPaths.feed(after: cursor))
            cursor = answer.cursor
            for event in answer.events {
                switch (event.kind, event.priority) {
                case (.alert, _):
                    alerts.append("\(Terminal.clock(event.at))  EMERGENCY (\(event.detail ?? "?")) in case \(event.handle)")
                    terminal.bell()
                case (.queued, .urgent?), (.queued, .emergency?):
                    alerts.append("\(Terminal.clock(event.at))  \(event.priority!.rawValue) case \(event.handle) is waiting")
                    terminal.bell()
                default:
                    break
                }
            }
            alerts = Array(alerts.suffix(5))
        }
    }

    private func draw(_ queue: StaffAPI.Queue, alerts: [String]) {
        let now = self.now()
        // On a terminal the screen is redrawn; into a pipe each redraw follows the last.
        terminal.clearScreen()
        terminal.say(terminal.paint("Tsunagu queue at \(Terminal.clock(now))", .bold) + " — " + QueueTable.counts(queue.waiting))
        for alert in alerts { terminal.say(terminal.paint("! " + alert, .red)) }
        terminal.say(QueueTable.render(queue.cases, now: now))
        if !terminal.isInteractive { terminal.say("") }
    }
}

/// The queue as text, shared by `queue`, `watch` and `handover`.
enum QueueTable {
    /// At most 80 columns: handle, priority, waiting, topic, urgency, flags.
    static func render(_ cases: [QueueItem], now: Int64) -> String {
        guard !cases.isEmpty else { return "No one is waiting." }
        let pad = Terminal.pad
        var lines = [pad("HANDLE", 8) + pad("PRIORITY", 11) + pad("WAITING", 9) + pad("TOPIC", 12) + pad("URGENCY", 10) + "NOTES"]
        for item in cases {
            let minutes = max(0, (now - item.queuedAt) / 60_000)
            let waiting = minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h \(minutes % 60)"
            var notes: [String] = []
            if let emergency = item.emergency { notes.append("EMERGENCY: \(emergency)") }
            if item.outOfHours { notes.append("out of hours") }
            lines.append(
                pad(item.handle, 8) + pad(item.priority.rawValue, 11) + pad(waiting, 9) + pad(item.topic ?? "-", 12)
                    + pad(item.urgency ?? "-", 10) + String(notes.joined(separator: ", ").prefix(30)))
        }
        return lines.joined(separator: "\n")
    }

    /// `Waiting: 1 emergency, 2 urgent, 5 normal`.
    static func counts(_ waiting: [String: Int]) -> String { "Waiting: " + byPriority(waiting) }

    /// `1 emergency, 2 urgent, 5 normal`: every priority, most urgent first, zeros included.
    static func byPriority(_ waiting: [String: Int]) -> String {
        Priority.queueOrder.map { "\(waiting[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
    }
}
