import CurlHTTP
import Foundation
import TsunaguTesting

/// The staff listener as a test twin: answers each route with the JSON the test gives (404 with the API's error
/// body for any other), records every request, and holds the live feed's long-polls until their task is
/// cancelled, as a quiet feed does.
final class StaffServerTwin: HTTPTransport {
    static let server = "http://127.0.0.1:8081"

    private let recorder: RecordingTransport

    /// - Parameter routes: `"METHOD /path?query"` → the answer's status and JSON body.
    init(_ routes: [String: (Int, String)]) {
        recorder = RecordingTransport { request in
            let route = request.method + " " + String(request.url.dropFirst(Self.server.count))
            let (status, json) = routes[route] ?? (404, #"{"error":{"code":"notFound","message":"No such route: \#(route)."}}"#)
            return HTTPClientResponse(status: status, headers: [("Content-Type", "application/json")], body: Data(json.utf8))
        }
    }

    /// Every route answered with 200.
    convenience init(ok routes: [String: String]) { self.init(routes.mapValues { (200, $0) }) }

    func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        if request.url.contains("/api/v1/events?after=") {
            let parked = AsyncStream<Never> { _ in }
            for await _ in parked {}
            throw CancellationError()
        }
        return try await recorder.send(request)
    }

    /// What was asked, in order, without the long-polls: `"METHOD /path?query"`.
    var routes: [String] { recorder.requests.map { $0.method + " " + String($0.url.dropFirst(Self.server.count)) } }

    var requests: [HTTPClientRequest] { recorder.requests }
}
