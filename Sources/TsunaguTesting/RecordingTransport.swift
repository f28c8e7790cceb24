public import CurlHTTP
import Foundation

/// The ``HTTPTransport`` twin: records every request and answers with what the test scripted.
public final class RecordingTransport: HTTPTransport {
    public typealias Responder = @Sendable (HTTPClientRequest) throws -> HTTPClientResponse

    private let recorded = Locked<[HTTPClientRequest]>([])
    private let responder: Responder

    public init(responder: @escaping Responder) { self.responder = responder }

    /// Always answers `status` with `json` and a request id.
    public convenience init(status: Int = 200, json: String = "{}", headers: [(name: String, value: String)] = []) {
        self.init { _ in
            HTTPClientResponse(
                status: status, headers: [("x-line-request-id", "req-1")] + headers, body: Data(json.utf8))
        }
    }

    public func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        recorded.withLock { $0.append(request) }
        return try responder(request)
    }

    public var requests: [HTTPClientRequest] { recorded.value }

    /// The last request's body as a JSON object.
    public func lastJSONBody() throws -> [String: Any]? {
        guard let body = requests.last?.body else { return nil }
        return try JSONSerialization.jsonObject(with: body) as? [String: Any]
    }
}

extension HTTPClientRequest {
    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
