import Foundation
public import HTTPTypes
public import Hummingbird
import TsunaguCore

/// An error of the staff API: a status, a stable code for scripts, and one sentence that says what to do.
///
/// Its body is `{"error": {"code": …, "message": …}}`; the sentence never quotes what the client sent.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Seconds for a `Retry-After` header (a 429).
    public var retryAfter: Int? = nil

    public init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public static let unauthorized = APIError(
        .unauthorized, code: "unauthorized", "Send a valid staff token as 'Authorization: Bearer <token>'; ask an admin for one.")

    /// Too many failed authentications on the listener this minute (see ``AuthenticationGuard``).
    public static func tooManyAttempts(retryAfter: Int) -> APIError {
        var error = APIError(
            .tooManyRequests, code: "too_many_attempts",
            "Too many wrong staff tokens were sent this minute; try again in a minute, and ask an admin if your token is refused.")
        error.retryAfter = retryAfter
        return error
    }

    public static func forbidden(_ role: String) -> APIError {
        APIError(.forbidden, code: "forbidden", "This needs the \(role) role; your account does not have it.")
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try JSONEncoder().encode(["error": ["code": code, "message": message]])
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension APIError {
    /// A refused case action: 404 for an unknown handle, 403 for a case the caller does not hold, 409 for a case in the
    /// wrong state, 422 for a value the script or the staff list does not have.
    init(_ refusal: CaseRefusal) {
        let status: HTTPResponse.Status
        switch refusal {
        case .notFound: status = .notFound
        case .notHeld: status = .forbidden
        case .heldByColleague, .closed, .notWaiting, .queueEmpty, .atCapacity, .colleagueAtCapacity, .unreachable, .contentDestroyed:
            status = .conflict
        case .unknownColleague, .unknownOutcome, .unknownReferral, .unknownTemplate, .unknownTopic, .unknownChannel, .emptyText,
            .textTooLong:
            status = .unprocessableContent
        }
        self.init(status, code: refusal.code, refusal.sentence)
    }
}
