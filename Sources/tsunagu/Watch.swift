import ArgumentParser
import Foundation
import TsunaguCore

extension Tsunagu {
    /// `tsunagu watch`: the live queue.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Watch the queue live; the terminal bell rings when an urgent case or an emergency arrives.",
            discussion: "The queue is redrawn whenever something changes (and at least every 25 seconds). Running it keeps your claims alive. Stop it with Ctrl-C.")

        @Option(help: "Stop after this many redraws (for scripts).") var updates: Int?

        func validate() throws {
            if let updates, updates < 1 { throw ValidationError("--updates must be 1 or more.") }
        }

        func run() async throws {
            let client = try StaffClient.loggedIn(timeout: .seconds(60))
            defer { client.shutdown() }
            var cursor = try await client.get("/api/v1/events", as: StaffAPI.Events.self).cursor
            var drawn = 0
            var alerts: [String] = []
            while true {
                let queue: StaffAPI.Queue = try await client.get("/api/v1/queue?limit=20")
                draw(queue, alerts: alerts)
                drawn += 1
                if let updates, drawn >= updates { return }
                let answer: StaffAPI.Events = try await client.get("/api/v1/events?after=\(cursor)&wait=25")
                cursor = answer.cursor
                for event in answer.events {
                    switch (event.kind, event.priority) {
                    case (.alert, _):
                        alerts.append("\(Terminal.clock(event.at))  EMERGENCY (\(event.detail ?? "?")) in case \(event.handle)")
                        Terminal.bell()
                    case (.queued, .urgent?), (.queued, .emergency?):
                        alerts.append("\(Terminal.clock(event.at))  \(event.priority!.rawValue) case \(event.handle) is waiting")
                        Terminal.bell()
                    default:
                        break
                    }
                }
                alerts = Array(alerts.suffix(5))
            }
        }

        private func draw(_ queue: StaffAPI.Queue, alerts: [String]) {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            // On a terminal the screen is redrawn; into a pipe each redraw follows the last.
            if Terminal.isInteractive { FileHandle.standardOutput.write(Data("\u{1B}[H\u{1B}[2J".utf8)) }
            Terminal.say(Terminal.paint("Tsunagu queue at \(Terminal.clock(now))", .bold) + " — " + queue.counts)
            for alert in alerts { Terminal.say(Terminal.paint("! " + alert, .red)) }
            Terminal.say(Queue.table(queue.cases, now: now))
            if !Terminal.isInteractive { Terminal.say("") }
        }
    }
}
