import Crypto
import Foundation
import HTTPTypes
public import Hummingbird

/// Lets the web console's session cookie stand in for a bearer token on the staff listener.
///
/// A request with no `Authorization` header and a live session cookie is served with that session bound to
/// ``ConsoleSessions/current``, which ``StaffAuthenticator`` reads: roles, audit and every rule of the API hold
/// unchanged. A request that changes something (any method but GET, HEAD and OPTIONS) must also carry the
/// session's CSRF token in `X-CSRF-Token` and, when the browser says where it comes from (`Origin`,
/// `Sec-Fetch-Site`), come from this origin; otherwise it is refused 403 `csrf` before any route runs. A
/// token refused as unknown (revoked) ends every session that stands for it.
public struct ConsoleSessionMiddleware<Context: RequestContext>: RouterMiddleware {
    let sessions: ConsoleSessions

    /// The session cookie's name.
    public static var cookieName: String { "tsunagu_session" }
    /// The header that carries the session's CSRF token.
    public static var csrfHeader: HTTPField.Name { HTTPField.Name("X-CSRF-Token")! }

    public init(sessions: ConsoleSessions) { self.sessions = sessions }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.headers[.authorization] == nil, request.uri.path != ConsoleController<Context>.loginPath,
            let id = request.cookies[Self.cookieName]?.value, let session = await sessions.session(for: id)
        else { return try await next(request, context) }
        if ![.get, .head, .options].contains(request.method) {
            guard let sent = request.headers[Self.csrfHeader], Self.equal(sent, session.csrfToken), Self.isSameOrigin(request) else {
                throw APIError(.forbidden, code: "csrf", "This request lacks the console's CSRF token; reload the page and try again.")
            }
        }
        do {
            return try await ConsoleSessions.$current.withValue(session) { try await next(request, context) }
        } catch let error as APIError where error.status == .unauthorized {
            await sessions.end(tokenHash: session.tokenHash)
            throw error
        }
    }

    /// False only when the browser says the request comes from another site.
    static func isSameOrigin(_ request: Request) -> Bool {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], !["same-origin", "none"].contains(site) { return false }
        guard let origin = request.headers[.origin] else { return true }
        // Behind a proxy the host she typed arrives as X-Forwarded-Host (no page of another site can set it).
        let hosts = [request.head.authority, request.headers[HTTPField.Name("X-Forwarded-Host")!]].compactMap { $0 }
        return hosts.contains { origin == "http://\($0)" || origin == "https://\($0)" }
    }

    /// Compares in constant time (through their SHA-256, so lengths do not show either).
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = SHA256.hash(data: Data(a.utf8))
        let y = SHA256.hash(data: Data(b.utf8))
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
