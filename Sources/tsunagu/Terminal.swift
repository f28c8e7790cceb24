import Foundation
import TsunaguCore

#if canImport(Glibc)
import Glibc
#endif

/// How the CLI writes to a person: colour and the bell only on a terminal, times in Japan time, JSON for
/// scripts. Standard output stays plain text when piped.
enum Terminal {
    static let isInteractive = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    enum Colour: String {
        case red = "31"
        case yellow = "33"
        case cyan = "36"
        case dim = "2"
        case bold = "1"
    }

    static func paint(_ text: String, _ colour: Colour) -> String {
        isInteractive ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Rings the terminal bell (only on a terminal: a pipe gets no control characters).
    static func bell() {
        if isInteractive { FileHandle.standardOutput.write(Data("\u{7}".utf8)) }
    }

    /// Prints and flushes at once, so a reader on the other end of a pipe sees each line as it comes.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// `HH:mm` in Japan time.
    static func clock(_ milliseconds: Int64) -> String {
        let minute = JapanTime(milliseconds: milliseconds).minuteOfDay
        return String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    /// How long ago, shortly: `12 min`, `3 h 05`.
    static func age(since milliseconds: Int64?, now: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) -> String {
        guard let milliseconds else { return "-" }
        let minutes = max(0, (now - milliseconds) / 60_000)
        return minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h \(String(format: "%02d", minutes % 60))"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(text.prefix(width)).padding(toLength: width, withPad: " ", startingAt: 0)
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        say(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// One transcript line: time, who (`her`, `bot`, `staff`, `note`), text, continuation lines indented.
    static func line(_ line: TranscriptLine) -> String {
        let (who, colour): (String, Colour) =
            switch line.author {
            case "her": ("her", .bold)
            case "bot": ("bot", .dim)
            case "counsellor": ("staff", .cyan)
            case "note": ("note", .yellow)
            default: (line.author, .dim)
            }
        let text = line.text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + String(repeating: " ", count: 14))
        return "\(clock(line.at))  \(paint(pad(who, 6), colour)) \(text)"
    }

    /// Reads standard input to its end: the text of `reply HANDLE -`.
    static func readAll() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
}

/// Lines typed on standard input, as they come, without blocking the cooperative thread pool.
func standardInputLines() -> AsyncStream<String> {
    AsyncStream { continuation in
        let thread = Thread {
            while let line = readLine(strippingNewline: true) { continuation.yield(line) }
            continuation.finish()
        }
        thread.start()
    }
}
