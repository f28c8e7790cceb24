import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where a command's words go: standard output for what was asked for, standard error for failures and
/// warnings. A seam so that tests read exactly what a person would see, without a subprocess.
public protocol Console: Sendable {
    /// Whether standard output is a terminal that takes colour, the bell and redraws.
    var isInteractive: Bool { get }
    /// Writes to standard output at once (a reader at the other end of a pipe sees each line as it comes).
    func write(_ text: String)
    /// Writes to standard error.
    func writeError(_ text: String)
}

/// The process's own standard output and error.
public struct StandardConsole: Console {
    public let isInteractive: Bool

    /// - Parameter environment: the process's variables; `NO_COLOR` turns colour and the bell off.
    public init(environment: [String: String]) {
        isInteractive = isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"] == nil
    }

    public func write(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }

    public func writeError(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
