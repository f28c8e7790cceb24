import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
public import TsunaguCore

/// The web console under `/console/` on the staff listener: sign-in and sign-out, the pages (server-rendered
/// skeletons) and their scripts and style. Everything the pages show and do goes through the staff API with the
/// session cookie, under the API's own roles and audit.
///
/// Every answer carries a strict Content-Security-Policy (only this origin's scripts and styles, no inline script,
/// no framing) and `X-Frame-Options: DENY`.
public struct ConsoleController<Context: RequestContext>: Sendable {
    let authenticator: StaffAuthenticator
    let staff: any StaffStore
    let sessions: ConsoleSessions
    let clock: WallClock
    /// The script's labels for the statistics' ids, as JSON for the pages.
    let labels: String

    static var loginPath: String { "/console/login" }

    /// - Parameter labels: what the ids of topics, urgency, outcomes and the rest mean (``ConsultationLog/labels``).
    public init(
        stores: StoreSet, authenticationGuard: AuthenticationGuard, sessions: ConsoleSessions, labels: [String: [String: String]] = [:],
        clock: WallClock
    ) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        self.labels = (try? encoder.encode(labels)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        self.authenticator = StaffAuthenticator(store: stores.staff, guard: authenticationGuard)
        self.staff = stores.staff
        self.sessions = sessions
        self.clock = clock
    }

    public func addRoutes(to router: Router<Context>) {
        let console = router.group("console").add(middleware: ConsoleHeadersMiddleware())
        console.get("") { request, _ in try await home(request) }
        console.get("login") { _, _ in Self.page(ConsolePage.login(error: nil)) }
        console.post("login") { request, _ in try await login(request) }
        console.post("logout") { request, _ in try await logout(request) }
        console.get("queue") { request, _ in try await page(request, for: [.counsellor, .supervisor], "相談員またはスーパーバイザー", ConsolePage.queue) }
        console.get("handover") { request, _ in try await page(request, for: [.counsellor], "相談員", ConsolePage.handover) }
        console.get("cases/:handle") { request, context in
            guard let handle = context.parameters.get("handle"), (4...10).contains(handle.count),
                handle.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
            else { return Self.page(ConsolePage.notFound(), status: .notFound) }
            return try await page(request, for: [.counsellor], "相談員") { ConsolePage.chat($0, handle: handle.uppercased()) }
        }
        console.get("stats") { request, _ in
            let today = JapanTime(milliseconds: clock.now()).date
            let fiscalYear = StatisticsPeriod.month(today.year, today.month).fiscalYear
            let month = String(format: "%04d-%02d", today.year, today.month)
            return try await page(request, for: [.supervisor], "スーパーバイザー") { ConsolePage.statistics($0, fiscalYear: fiscalYear, month: month) }
        }
        console.get("admin") { request, _ in try await page(request, for: [.admin], "管理者", ConsolePage.admin) }
        console.get("**") { _, _ in Self.page(ConsolePage.notFound(), status: .notFound) }
        console.get("assets/:name") { _, context in
            guard let name = context.parameters.get("name"), let asset = ConsoleAssets.named(name) else {
                return Response(status: .notFound)
            }
            return Response(
                status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
        }
    }

    /// The login form's one field.
    struct LoginForm: Decodable { var token: String }

    /// Where a signed-in member of staff starts: the first page of the member's role.
    private func home(_ request: Request) async throws -> Response {
        guard let viewer = try await viewer(request) else { return Self.redirect(to: Self.loginPath) }
        return Self.redirect(to: "/console/" + ConsolePage.navigation(for: viewer.role)[0].path)
    }

    /// The form's token, checked against the staff store; a session cookie on success.
    private func login(_ request: Request) async throws -> Response {
        guard ConsoleSessionMiddleware<Context>.isSameOrigin(request) else {
            return Self.page(ConsolePage.login(error: "別のサイトからのログインは受け付けません。"), status: .forbidden)
        }
        let body = try await request.body.collect(upTo: 4096)
        let form = try? URLEncodedFormDecoder().decode(LoginForm.self, from: String(buffer: body))
        let token = form?.token.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        do {
            _ = try await authenticator.member(withToken: token)
        } catch let error as APIError where error.status == .tooManyRequests {
            return Self.page(ConsolePage.login(error: "ログインの失敗が続いたため、しばらく受け付けていません。1分ほど待ってください。"), status: .tooManyRequests)
        } catch is APIError {
            return Self.page(ConsolePage.login(error: "トークンが正しくないか、無効になっています。管理者に確認してください。"), status: .unauthorized)
        }
        let (id, _) = await sessions.start(tokenHash: StaffToken.hash(token))
        var response = Self.redirect(to: "/console/")
        response.setCookie(Self.cookie(id, secure: Self.isTLS(request)))
        return response
    }

    /// Ends the session (the middleware checked its CSRF token) and clears the cookie.
    private func logout(_ request: Request) async throws -> Response {
        if let id = request.cookies[ConsoleSessionMiddleware<Context>.cookieName]?.value { await sessions.end(id) }
        var response = Response(status: .noContent)
        response.setCookie(Self.cookie("", secure: Self.isTLS(request), maxAge: 0))
        return response
    }

    private func page(
        _ request: Request, for roles: Set<StaffRole>, _ roleName: String, _ render: (ConsolePage.Viewer) -> String
    ) async throws -> Response {
        guard let viewer = try await viewer(request) else { return Self.redirect(to: Self.loginPath) }
        guard roles.contains(viewer.role) else { return Self.page(ConsolePage.refused(viewer, role: roleName), status: .forbidden) }
        return Self.page(render(viewer))
    }

    /// The signed-in member, or `nil` without a live session (or with a revoked token).
    private func viewer(_ request: Request) async throws -> ConsolePage.Viewer? {
        guard let session = ConsoleSessions.current else { return nil }
        do {
            let member = try await authenticator.member(for: request)
            return ConsolePage.Viewer(name: member.name, role: member.role, csrfToken: session.csrfToken, labels: labels)
        } catch let error as APIError where error.status == .unauthorized {
            await sessions.end(tokenHash: session.tokenHash)
            return nil
        }
    }

    /// `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page sends it), `Secure` behind TLS.
    static func cookie(_ value: String, secure: Bool, maxAge: Int? = nil) -> Cookie {
        Cookie(
            name: ConsoleSessionMiddleware<Context>.cookieName, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true,
            sameSite: .strict)
    }

    /// Whether the browser reached us over TLS: the staff listener speaks plain HTTP behind a TLS-terminating
    /// proxy, which says so in `X-Forwarded-Proto` (or `Forwarded`).
    static func isTLS(_ request: Request) -> Bool {
        if request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https" { return true }
        if let forwarded = request.headers[HTTPField.Name("Forwarded")!]?.lowercased(), forwarded.contains("proto=https") { return true }
        return request.headers[.origin]?.hasPrefix("https://") == true
    }

    static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
