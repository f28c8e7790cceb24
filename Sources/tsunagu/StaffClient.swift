import CurlHTTP
import Foundation
import Synchronization
import TsunaguCore

/// The staff API over libcurl: one request, its JSON answer, or the API's one-sentence error.
///
/// Every string in an answer is neutralised (``TerminalText``) before anything reads it, so no text the server
/// relays (her words, a note, an error) can drive the terminal, whichever command prints it.
struct StaffClient: Sendable {
    let credentials: Credentials
    private let transport: CurlTransport

    /// - Parameter timeout: the longest a request may take (the live feed's long-polls need more than 30 s).
    init(credentials: Credentials, timeout: Duration = .seconds(30)) {
        self.credentials = credentials
        Self.warnIfPlain(credentials.server)
        self.transport = CurlTransport(configuration: .init(connectTimeout: .seconds(5), totalTimeout: timeout))
    }

    /// Logs in from the environment or the saved login.
    static func loggedIn(timeout: Duration = .seconds(30)) throws(CLIFailure) -> StaffClient {
        StaffClient(credentials: try Credentials.load(), timeout: timeout)
    }

    func get<Answer: Decodable>(_ path: String, as type: Answer.Type = Answer.self) async throws(CLIFailure) -> Answer {
        try await send("GET", path, body: nil)
    }

    /// Runs `body` with a client logged in from the environment or the saved login, shut down afterwards.
    static func session<Result>(
        timeout: Duration = .seconds(30), _ body: (StaffClient) async throws -> Result
    ) async throws -> Result {
        let client = try loggedIn(timeout: timeout)
        defer { client.shutdown() }
        return try await body(client)
    }

    /// A POST without a body.
    func post<Answer: Decodable>(_ path: String, as type: Answer.Type = Answer.self) async throws(CLIFailure) -> Answer {
        try await send("POST", path, body: nil)
    }

    func post<Answer: Decodable>(_ path: String, _ body: some Encodable, as type: Answer.Type = Answer.self) async throws(CLIFailure) -> Answer {
        let data: Data
        do {
            data = try JSONEncoder().encode(body)
        } catch {
            throw CLIFailure("The request could not be encoded; this is a bug in tsunagu.")
        }
        return try await send("POST", path, body: data)
    }

    private func send<Answer: Decodable>(_ method: String, _ path: String, body: Data?) async throws(CLIFailure) -> Answer {
        let server = credentials.server.hasSuffix("/") ? String(credentials.server.dropLast()) : credentials.server
        var headers = [("Authorization", "Bearer \(credentials.token)"), ("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let response: HTTPClientResponse
        do {
            response = try await transport.send(HTTPClientRequest(method: method, url: server + path, headers: headers, body: body))
        } catch {
            throw CLIFailure("Cannot reach the Tsunagu server at \(server); check the address and that it is running.")
        }
        guard (200..<300).contains(response.status) else {
            if let problem = try? JSONDecoder().decode(Problem.self, from: TerminalText.neutraliseJSON(response.body)) {
                throw CLIFailure(problem.error.message)
            }
            throw CLIFailure("The server answered \(response.status); try again, or ask the operator to check its log.")
        }
        do {
            return try JSONDecoder().decode(Answer.self, from: TerminalText.neutraliseJSON(response.body))
        } catch {
            throw CLIFailure("The server's answer was not understood; is \(server) a Tsunagu staff listener?")
        }
    }

    func shutdown() { transport.shutdown() }

    /// Warns (on standard error, once per command) when the token and her words would cross a network in clear:
    /// `http://` to anything but this machine.
    static func warnIfPlain(_ server: String) {
        guard let url = URLComponents(string: server), url.scheme?.lowercased() == "http", let host = url.host,
            !LoopbackHost.contains(host)
        else { return }
        warnedOnce.withLock { warned in
            guard !warned else { return }
            warned = true
            FileHandle.standardError.write(Data(
                "tsunagu: warning: \(TerminalText.neutralise(host)) is reached over plain http://, so your token and her words cross the network unencrypted; use its https:// address.\n".utf8))
        }
    }

    private static let warnedOnce = Mutex(false)

    /// The staff API's error body: `{"error": {"code": …, "message": …}}`.
    private struct Problem: Decodable {
        struct Body: Decodable { var message: String }
        var error: Body
    }
}

/// A case handle as typed: letters and digits, upper-cased; anything else is a usage error.
func validHandle(_ text: String) throws(CLIFailure) -> String {
    let handle = text.uppercased()
    guard (4...10).contains(handle.count), handle.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
        throw CLIFailure("\(text.prefix(12)) is not a case handle; handles are 4 letters and digits, such as A7K2.")
    }
    return handle
}
