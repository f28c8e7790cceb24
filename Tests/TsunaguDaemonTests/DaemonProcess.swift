import Foundation
import Synchronization
import TsunaguTesting

/// A `tsunagud` child process, built by the same `swift build` as the tests, with its stderr captured.
final class DaemonProcess: Sendable {
    let process: Process
    private let stderrBuffer = Locked("")

    /// The `tsunagud` binary beside the test runner.
    static var executable: URL {
        let runner = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        var directory = runner.deletingLastPathComponent()
        // On Linux the runner may sit inside `Tsunagu PackageTests.xctest`; the products are beside that.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("tsunagud").path),
            directory.path != "/"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("tsunagud")
    }

    /// The repository's conversation script (the daemon's working directory may be anywhere).
    static let scriptPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/script.ja.yaml").path

    /// The token a daemon's sandbox requires on `/sandbox/*` (`TSUNAGU_SANDBOX_TOKEN` in ``environment(database:extra:)``).
    static let sandboxToken = "daemon-tests-sandbox-token"
    /// The header that carries ``sandboxToken``.
    static let sandboxAuthorization = (name: "Authorization", value: "Bearer \(sandboxToken)")

    /// Environment for a daemon on free ports over `database` (with a known sandbox token, used in sandbox mode).
    static func environment(database: String, extra: [String: String] = [:]) -> [String: String] {
        [
            "LINE_CHANNEL_SECRET": TestSecrets.channelSecret, "TSUNAGU_DATA_KEY": TestSecrets.dataKeyBase64,
            "TSUNAGU_DATABASE": database, "TSUNAGU_WEBHOOK_HOST": "127.0.0.1", "TSUNAGU_WEBHOOK_PORT": "0",
            "TSUNAGU_STAFF_PORT": "0", "TSUNAGU_LOG_LEVEL": "info", "PATH": "/usr/bin:/bin",
            "TSUNAGU_SCRIPT": scriptPath, "TSUNAGU_SANDBOX_TOKEN": sandboxToken,
        ].merging(extra) { $1 }
    }

    init(arguments: [String] = ["serve"], environment: [String: String]) throws {
        process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe.closedOnExec()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        let text = stderrBuffer
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        }
        try process.run()
    }

    var stderr: String { stderrBuffer.value }

    /// The port a listener logged once it was bound, polled until `deadline`.
    func port(of listener: String, within timeout: Duration = .seconds(60)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for line in stderr.split(separator: "\n") where line.contains("listener=\(listener)") {
                if let match = line.firstMatch(of: /port=(\d+)/), let port = Int(match.1) { return port }
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw DaemonError("tsunagud did not report its \(listener) port; stderr:\n\(stderr)")
    }

    /// Waits for the process to exit, up to `timeout`, and returns its status.
    func waitForExit(within timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw DaemonError("tsunagud did not exit in time") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    func kill(_ signal: Int32) { Foundation.kill(process.processIdentifier, signal) }

    deinit { if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) } }
}

struct DaemonError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `tsunagud` to completion (for operator commands and refusals) and returns status and output.
/// - Parameter directory: its working directory (default: the test runner's).
func runDaemonCommand(
    _ arguments: [String], environment: [String: String], directory: String? = nil
) async throws -> (status: Int32, stdout: String, stderr: String) {
    try await runProcess(DaemonProcess.executable, arguments, environment: environment, directory: directory)
}

/// Runs the `tsunagu` CLI (built beside `tsunagud`) to completion, with `input` on its standard input.
func runCLI(_ arguments: [String], environment: [String: String], input: String? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
    let cli = DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent("tsunagu")
    return try await runProcess(cli, arguments, environment: environment, input: input)
}

/// Runs a command to its end and returns what it printed. Both streams are read as they come, off the
/// cooperative pool (a blocking read there would starve every other test's tasks on a two-core machine), and a
/// command that does not finish within `timeout` is stopped and reported.
private func runProcess(
    _ executable: URL, _ arguments: [String], environment: [String: String], input: String? = nil, directory: String? = nil,
    timeout: Duration = .seconds(120)
) async throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = executable
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.arguments = arguments
    process.environment = environment
    let streams = [Pipe.closedOnExec(), Pipe.closedOnExec()]
    let collected = [Locked(Data()), Locked(Data())]
    let ended = Locked(0)
    for (pipe, buffer) in zip(streams, collected) {
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                ended.withLock { $0 += 1 }
            } else {
                buffer.withLock { $0.append(data) }
            }
        }
    }
    process.standardOutput = streams[0]
    process.standardError = streams[1]
    let stdin = Pipe.closedOnExec()
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    guard await eventually(within: timeout, every: .milliseconds(10), { !process.isRunning }) else {
        kill(process.processIdentifier, SIGKILL)  // SIGTERM may be blocked in the child (see TLSServer)
        throw DaemonError("\(executable.lastPathComponent) \(arguments.first ?? "") did not finish within \(timeout)")
    }
    // What it wrote before exiting is in the pipes: wait for both ends of file (briefly).
    _ = await eventually(within: .seconds(5), every: .milliseconds(5)) { ended.value == 2 }
    return (
        process.terminationStatus, String(decoding: collected[0].value, as: UTF8.self),
        String(decoding: collected[1].value, as: UTF8.self)
    )
}

extension Pipe {
    /// A pipe whose ends close on exec: tests start processes concurrently, and a child started by one test
    /// must not inherit the write end of another test's pipe, or that test would wait for an end of file that
    /// only comes when the unrelated child exits. (The child given the pipe still gets it: the copy made onto
    /// its standard input or output does not close on exec.)
    static func closedOnExec() -> Pipe {
        let pipe = Pipe()
        for handle in [pipe.fileHandleForReading, pipe.fileHandleForWriting] {
            _ = fcntl(handle.fileDescriptor, F_SETFD, FD_CLOEXEC)
        }
        return pipe
    }
}
