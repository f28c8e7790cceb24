import Foundation
import TsunaguCore

/// How the CLI writes to a person: colour and the bell only on a terminal, times in Japan time, JSON for
/// scripts. Standard output stays plain text when piped.
public struct Terminal: Sendable {
    public let console: any Console

    public init(console: any Console) { self.console = console }

    enum Colour: String {
        case red = "31"
        case yellow = "33"
        case cyan = "36"
        case dim = "2"
        case bold = "1"
    }

    var isInteractive: Bool { console.isInteractive }

    func paint(_ text: String, _ colour: Colour) -> String {
        isInteractive ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Rings the terminal bell (only on a terminal: a pipe gets no control characters).
    func bell() {
        if isInteractive { console.write("\u{7}") }
    }

    /// Clears the screen for a redraw (only on a terminal: into a pipe each redraw follows the last).
    func clearScreen() {
        if isInteractive { console.write("\u{1B}[H\u{1B}[2J") }
    }

    /// One line on standard output.
    func say(_ line: String) { console.write(line + "\n") }

    /// A failure the user can act on, as the one sentence on standard error the interface contract asks for.
    public func fail(_ failure: CLIFailure) { console.writeError("tsunagu: \(failure.sentence)\n") }

    func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        say(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// One transcript line: time, who (`her`, `bot`, `staff`, `note`), text, continuation lines indented.
    func line(_ line: TranscriptLine) -> String {
        let (who, colour): (String, Colour) =
            switch line.author {
            case "her": ("her", .bold)
            case "bot": ("bot", .dim)
            case "counsellor": ("staff", .cyan)
            case "note": ("note", .yellow)
            default: (line.author, .dim)
            }
        let text = line.text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + String(repeating: " ", count: 14))
        return "\(Self.clock(line.at))  \(paint(Self.pad(who, 6), colour)) \(text)"
    }

    /// `HH:mm` in Japan time.
    static func clock(_ milliseconds: Int64) -> String {
        let minute = JapanTime(milliseconds: milliseconds).minuteOfDay
        return String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    /// How long ago, shortly: `12 min`, `3 h 05`.
    static func age(since milliseconds: Int64?, now: Int64) -> String {
        guard let milliseconds else { return "-" }
        let minutes = max(0, (now - milliseconds) / 60_000)
        return minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h \(String(format: "%02d", minutes % 60))"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(text.prefix(width)).padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
