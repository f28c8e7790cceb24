import CurlHTTP
import Foundation
import TsunaguClient

/// The composition root: the one place the CLI reads the process's variables and the wall clock, picks the
/// standard streams and makes the staff API's libcurl transport (`tsunagu phone` makes the sandbox's own).
/// Everything else gets them from here.
enum Composition {
    static let environment = ProcessInfo.processInfo.environment
    static let terminal = Terminal(console: StandardConsole(environment: environment))
    /// Milliseconds since the epoch.
    static let now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Runs `body` with the commands over the saved login (or `TSUNAGU_SERVER`/`TSUNAGU_TOKEN`), or over
    /// `credentials` when given; the transport is shut down afterwards.
    /// - Parameter timeout: the longest a request may take (the live feed's long-polls need more than 30 s).
    static func session<Result>(
        timeout: Duration = .seconds(30), credentials: Credentials? = nil, _ body: (StaffCommands) async throws -> Result
    ) async throws -> Result {
        let credentials = try credentials ?? Credentials.load(environment: environment)
        let transport = CurlTransport(configuration: .init(connectTimeout: .seconds(5), totalTimeout: timeout))
        defer { transport.shutdown() }
        return try await body(StaffCommands(credentials: credentials, transport: transport, terminal: terminal, now: now))
    }

    /// The whole of standard input: the text of `reply HANDLE -`.
    static func readAll() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    /// Lines typed on standard input, as they come, without blocking the cooperative thread pool.
    static func typedLines() -> AsyncStream<String> {
        AsyncStream { continuation in
            let thread = Thread {
                while let line = readLine(strippingNewline: true) { continuation.yield(line) }
                continuation.finish()
            }
            thread.start()
        }
    }
}

extension String? {
    /// The text given, or standard input when it is left out or `-`.
    var orStandardInput: String {
        switch self {
        case nil, "-"?: Composition.readAll()
        case let text?: text
        }
    }
}
