import CurlHTTP
import Foundation

/// The staff API over libcurl: one request, its JSON answer, or the API's one-sentence error.
struct StaffClient {
    let credentials: Credentials
    private let transport = CurlTransport(configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(30)))

    init(credentials: Credentials) { self.credentials = credentials }

    func get<Answer: Decodable>(_ path: String, as type: Answer.Type = Answer.self) async throws(CLIFailure) -> Answer {
        let server = credentials.server.hasSuffix("/") ? String(credentials.server.dropLast()) : credentials.server
        let response: HTTPClientResponse
        do {
            response = try await transport.send(HTTPClientRequest(
                method: "GET", url: server + path, headers: [("Authorization", "Bearer \(credentials.token)"), ("Accept", "application/json")]))
        } catch {
            throw CLIFailure("Cannot reach the Tsunagu server at \(server); check the address and that it is running.")
        }
        guard (200..<300).contains(response.status) else {
            if let problem = try? JSONDecoder().decode(Problem.self, from: response.body) { throw CLIFailure(problem.error.message) }
            throw CLIFailure("The server answered \(response.status); try again, or ask the operator to check its log.")
        }
        do {
            return try JSONDecoder().decode(Answer.self, from: response.body)
        } catch {
            throw CLIFailure("The server's answer was not understood; is \(server) a Tsunagu staff listener?")
        }
    }

    func shutdown() { transport.shutdown() }

    /// The staff API's error body: `{"error": {"code": …, "message": …}}`.
    private struct Problem: Decodable {
        struct Body: Decodable { var message: String }
        var error: Body
    }
}
