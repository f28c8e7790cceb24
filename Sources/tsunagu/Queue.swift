import ArgumentParser
import Foundation
import TsunaguCore

extension Tsunagu {
    /// `tsunagu queue`: who is waiting, most urgent first.
    struct Queue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the cases waiting for a counsellor: emergency and urgent first, then the longest waiting.")

        @Option(help: "Show at most this many cases (the counts cover all of them).") var limit = 50
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be from 1 to 1000.") }
        }

        func run() async throws {
            try await StaffClient.session { client in
                let answer: StaffAPI.Queue = try await client.get("/api/v1/queue?limit=\(limit)")
                if json { return try Terminal.printJSON(answer) }
                Terminal.say(Self.table(answer.cases, now: Int64(Date().timeIntervalSince1970 * 1000)))
                if !answer.cases.isEmpty { Terminal.say(answer.counts) }
            }
        }

        /// At most 80 columns: handle, priority, waiting, topic, urgency, flags.
        static func table(_ cases: [QueueItem], now: Int64) -> String {
            guard !cases.isEmpty else { return "No one is waiting." }
            func pad(_ text: String, _ width: Int) -> String {
                String(text.prefix(width)).padding(toLength: width, withPad: " ", startingAt: 0)
            }
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
    }
}

extension StaffAPI.Queue {
    /// `Waiting: 1 emergency, 2 urgent, 5 normal`.
    var counts: String {
        "Waiting: " + Priority.queueOrder.map { "\(waiting[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
    }
}
