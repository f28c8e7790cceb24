import Foundation
import Synchronization
import TsunaguCoreTesting
import TsunaguTesting

/// A `tsunagud` child process, built by the same `swift build` as the tests, with its stderr captured.
final class DaemonProcess: Sendable {
    let process: ChildProcess

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
        process = try ChildProcess(
            executable: Self.executable.path, arguments: arguments, environment: environment, standardOutput: .discarded)
    }

    var stderr: String { process.standardError }

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
        do { return try await process.waitForExit(within: timeout) } catch { throw DaemonError("tsunagud did not exit in time") }
    }

    func kill(_ signal: Int32) { process.signal(signal) }
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
func runCLI(_ arguments: [String], environment: [String: String], input: String? = nil) async throws -> (
    status: Int32, stdout: String, stderr: String
) {
    let cli = DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent("tsunagu")
    return try await runProcess(cli, arguments, environment: environment, input: input)
}

/// Runs a command to its end and returns what it printed; a command that does not finish within `timeout` is
/// stopped and reported.
private func runProcess(
    _ executable: URL, _ arguments: [String], environment: [String: String], input: String? = nil, directory: String? = nil,
    timeout: Duration = .seconds(120)
) async throws -> (status: Int32, stdout: String, stderr: String) {
    let process = try ChildProcess(
        executable: executable.path, arguments: arguments, environment: environment, directory: directory, standardInput: true)
    if let input { process.write(input) }
    process.closeInput()
    let status: Int32
    do { status = try await process.waitForExit(within: timeout) } catch {
        throw DaemonError("\(executable.lastPathComponent) \(arguments.first ?? "") did not finish within \(timeout)")
    }
    // What it wrote before exiting is in the pipes: wait for both ends of file (briefly).
    await process.waitForOutputToEnd()
    return (status, process.standardOutput, process.standardError)
}
