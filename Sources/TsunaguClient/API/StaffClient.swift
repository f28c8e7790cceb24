public import CurlHTTP
import Foundation
import TsunaguCore

/// The staff API over an ``HTTPTransport``: one request, its JSON answer, or the API's one-sentence error.
///
/// Every string in an answer is neutralised (``TerminalText``) before anything reads it, so no text the server
/// relays (her words, a note, an error) can drive the terminal, whichever command prints it.
public struct StaffClient: Sendable {
    public let credentials: Credentials
    private let transport: any HTTPTransport

    /// - Parameter transport: libcurl in the executable, a recording twin in tests; its owner shuts it down.
    public init(credentials: Credentials, transport: any HTTPTransport) {
        self.credentials = credentials
        self.transport = transport
    }

    func get<Answer: Decodable>(_ path: String, as type: Answer.Type = Answer.self) async throws(CLIFailure) -> Answer {
        try await send("GET", path, body: nil)
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

    private var server: String {
        credentials.server.hasSuffix("/") ? String(credentials.server.dropLast()) : credentials.server
    }

    private func send<Answer: Decodable>(_ method: String, _ path: String, body: Data?) async throws(CLIFailure) -> Answer {
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

    /// The warning for a token and her words that would cross a network in clear (`http://` to anything but this
    /// machine); `nil` when the address is safe.
    var plainTextWarning: String? {
        guard let url = URLComponents(string: credentials.server), url.scheme?.lowercased() == "http", let host = url.host,
            !LoopbackHost.contains(host)
        else { return nil }
        return
            "tsunagu: warning: \(TerminalText.neutralise(host)) is reached over plain http://, so your token and her words cross the network unencrypted; use its https:// address."
    }

    /// The staff API's error body: `{"error": {"code": …, "message": …}}`.
    private struct Problem: Decodable {
        struct Body: Decodable { var message: String }
        var error: Body
    }
}
