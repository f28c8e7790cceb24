import Foundation
import Glibc
import Synchronization

/// A child process for tests, started with `posix_spawn` and read by threads of its own.
///
/// Foundation's `Process` on Linux now and then crashed (SIGSEGV inside `Process.run()`) or left a test waiting
/// on a pipe when tests started processes concurrently; a crash there took the whole test run down. This type
/// does the few things the tests need with the system's own calls: the child gets exactly the standard streams
/// given to it (every other descriptor is closed in the child), default signal dispositions and an empty
/// signal mask (so `SIGTERM` reaches it even when the test thread that started it had signals blocked), and its
/// output is collected by one blocking reader thread per stream, off the cooperative pool.
public final class ChildProcess: Sendable {
    /// What the child's standard output or error is connected to.
    public enum Output: Sendable {
        /// `/dev/null`.
        case discarded
        /// A pipe read as it comes into ``standardOutput`` or ``standardError``.
        case collected
    }

    public let processIdentifier: Int32
    private let exit = Mutex<Int32?>(nil)
    private let input: Mutex<Int32?>
    private let outputs = [Locked(Data()), Locked(Data())]
    private let endedStreams = Locked(0)
    private let collectedStreams: Int

    /// Starts `executable` with `arguments` and exactly `environment`.
    /// - Parameters:
    ///   - directory: its working directory (default: the test runner's).
    ///   - standardInput: whether to give it a pipe that ``write(_:)`` feeds (otherwise `/dev/null`).
    public init(
        executable: String, arguments: [String], environment: [String: String], directory: String? = nil,
        standardInput: Bool = false, standardOutput: Output = .collected, standardError: Output = .collected
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        var readers: [(fd: Int32, buffer: Locked<Data>)] = []
        var started = false
        defer {
            for end in childEnds { close(end) }
            if !started { for end in parentEnds + readers.map(\.fd) { close(end) } }
        }
        _ = Self.brokenPipesIgnored

        if standardInput {
            let (read, write) = try Self.pipe()
            childEnds.append(read)
            parentEnds.append(write)
            posix_spawn_file_actions_adddup2(&actions, read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        for (descriptor, output) in [(Int32(1), standardOutput), (Int32(2), standardError)] {
            switch output {
            case .discarded:
                posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
            case .collected:
                let (read, write) = try Self.pipe()
                childEnds.append(write)
                readers.append((read, outputs[Int(descriptor) - 1]))
                posix_spawn_file_actions_adddup2(&actions, write, descriptor)
            }
        }
        // Nothing else of the test process leaks into the child (a sibling test's pipe end kept open by an
        // unrelated child would keep that test waiting for an end of file).
        _ = GNU.addCloseFrom(&actions, 3)
        if let directory { _ = GNU.addChangeDirectory(&actions, directory) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigfillset(&signals)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for string in argv + envp { free(string) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw ChildProcessError("could not start \(executable): \(String(cString: strerror(status)))")
        }
        started = true
        processIdentifier = pid
        input = Mutex(parentEnds.first)
        collectedStreams = readers.count
        for reader in readers { Self.startReading(reader.fd, into: reader.buffer, ended: endedStreams) }
    }

    deinit {
        // A process a failed test left behind is killed with it, and reaped.
        if isRunning {
            kill(processIdentifier, SIGKILL)
            _ = waitUntilExit()
        }
        closeInput()
    }

    /// What it wrote to its standard output so far.
    public var standardOutput: String { String(decoding: outputs[0].value, as: UTF8.self) }
    /// What it wrote to its standard error so far.
    public var standardError: String { String(decoding: outputs[1].value, as: UTF8.self) }

    /// Whether it has not exited yet (reaping it when it has).
    public var isRunning: Bool {
        exit.withLock { exit in
            guard exit == nil else { return false }
            var status: Int32 = 0
            let reaped = waitpid(processIdentifier, &status, WNOHANG)
            guard reaped == processIdentifier else { return reaped == 0 }
            exit = Self.terminationStatus(fromWait: status)
            return false
        }
    }

    /// Its exit code (or the signal that ended it), once it has exited.
    public var terminationStatus: Int32? {
        _ = isRunning
        return exit.withLock { $0 }
    }

    public func signal(_ signal: Int32) { if isRunning { kill(processIdentifier, signal) } }

    /// Writes `text` to its standard input.
    public func write(_ text: String) {
        input.withLock { descriptor in
            guard let open = descriptor else { return }
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { Foundation.write(open, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    // It stopped reading (it exited): nothing more can reach it.
                    close(open)
                    descriptor = nil
                    return
                }
                bytes = bytes.dropFirst(written)
            }
        }
    }

    /// Closes its standard input: it reads an end of file.
    public func closeInput() {
        input.withLock { descriptor in
            if let open = descriptor { close(open) }
            descriptor = nil
        }
    }

    /// Waits up to `timeout` for it to exit and returns ``terminationStatus``; a child still running then is
    /// killed (`SIGKILL`) and reported.
    public func waitForExit(within timeout: Duration) async throws -> Int32 {
        guard await eventually(within: timeout, every: .milliseconds(10), { !self.isRunning }), let status = terminationStatus else {
            kill(processIdentifier, SIGKILL)
            _ = waitUntilExit()
            throw ChildProcessError("\(processIdentifier) did not exit within \(timeout)")
        }
        return status
    }

    /// Blocks the calling thread until it exits and returns ``terminationStatus`` (for a short command run from
    /// synchronous set-up code; anything that may take long should use ``waitForExit(within:)``).
    public func waitUntilExit() -> Int32 {
        if let known = exit.withLock({ $0 }) { return known }
        // Waited for outside the lock, so that `signal(_:)` and `isRunning` stay usable meanwhile; if `isRunning`
        // reaps it first, this wait fails (no such child) and the status it stored is the answer.
        var status: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(processIdentifier, &status, 0) } while reaped < 0 && errno == EINTR
        return exit.withLock { exit in
            if exit == nil && reaped == processIdentifier { exit = Self.terminationStatus(fromWait: status) }
            return exit ?? -1
        }
    }

    /// Waits (briefly) until what it wrote before exiting has been read to each stream's end.
    public func waitForOutputToEnd(within timeout: Duration = .seconds(5)) async {
        _ = await eventually(within: timeout, every: .milliseconds(5)) { self.endedStreams.value == self.collectedStreams }
    }

    /// Writing to a child that has exited raises `SIGPIPE`, which would end the whole test run: the test process
    /// ignores it (the write then fails with `EPIPE`). The children are unaffected: they start with every signal
    /// at its default.
    private static let brokenPipesIgnored: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    /// As Foundation reports it: the exit code, or the number of the signal that ended it.
    private static func terminationStatus(fromWait status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : signal
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        guard GNU.pipe2(&ends, O_CLOEXEC) == 0 else { throw ChildProcessError("could not make a pipe: errno \(errno)") }
        return (ends[0], ends[1])
    }

    private static func startReading(_ descriptor: Int32, into buffer: Locked<Data>, ended: Locked<Int>) {
        let thread = Thread {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                buffer.withLock { $0.append(contentsOf: chunk[..<count]) }
            }
            close(descriptor)
            ended.withLock { $0 += 1 }
        }
        thread.start()
    }
}

/// The glibc extensions ``ChildProcess`` needs, which Swift's Glibc module does not declare (they sit behind
/// `_GNU_SOURCE`), looked up once by name. Debian 12's glibc (2.36) has all three.
private enum GNU {
    typealias FileActions = UnsafeMutablePointer<posix_spawn_file_actions_t>

    static let addCloseFrom = function(
        "posix_spawn_file_actions_addclosefrom_np", as: (@convention(c) (FileActions, Int32) -> Int32).self)
    static let addChangeDirectory = function(
        "posix_spawn_file_actions_addchdir_np", as: (@convention(c) (FileActions, UnsafePointer<CChar>) -> Int32).self)
    static let pipe2 = function("pipe2", as: (@convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32).self)

    private static func function<Function>(_ name: String, as type: Function.Type) -> Function {
        guard let symbol = dlsym(nil, name) else { fatalError("glibc has no \(name)") }
        return unsafeBitCast(symbol, to: type)
    }
}

/// Why a ``ChildProcess`` could not start or did not end.
public struct ChildProcessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
