import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// The web console's session on the staff listener: the cookie it sets, the API accepting it, CSRF, revocation,
/// the security headers and the assets.
@Suite("Web console")
struct ConsoleTests {
    private static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    /// Signs in with a token through the login form; returns the response.
    private func login(_ token: String, on client: some TestClientProtocol, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        headers.append(contentsOf: extra)
        let form = "token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return try await client.execute(uri: "/console/login", method: .post, headers: headers, body: ByteBuffer(string: form))
    }

    /// A signed-in browser: its cookie and the CSRF token its pages carry.
    private struct Browser {
        var cookie: String
        var csrf: String
    }

    private func signIn(_ token: String, on client: some TestClientProtocol) async throws -> Browser {
        let response = try await login(token, on: client)
        expectStatus(.seeOther, response)
        let setCookie = try #require(response.headers[.setCookie])
        let cookie = String(setCookie.prefix { $0 != ";" })
        // Any page of the console carries the session's CSRF token in a meta element.
        let page = try await client.execute(uri: "/console/", method: .get, headers: [.cookie: cookie])
        let location = try #require(page.headers[.location])
        let html = String(buffer: try await client.execute(uri: location, method: .get, headers: [.cookie: cookie]).body)
        let csrf = try #require(html.firstMatch(of: /name="csrf-token" content="([^"]+)"/)?.1)
        return Browser(cookie: cookie, csrf: String(csrf))
    }

    @Test func signingInSetsAnHttpOnlyStrictCookieAndNeverEchoesTheToken() async throws {
        let harness = try TestHarness()
        let token = try await harness.addStaff("sato", .counsellor)
        try await harness.staffApp().test(.router) { client in
            let response = try await login(token, on: client)
            expectStatus(.seeOther, response)
            #expect(response.headers[.location] == "/console/")
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.hasPrefix("tsunagu_session="))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"), "plain HTTP on loopback: a Secure cookie would never come back")
            #expect(!cookie.contains(token) && !(response.headers[.location] ?? "").contains(token))

            let behindTLS = try await login(token, on: client, headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(try #require(behindTLS.headers[.setCookie]).contains("Secure"))

            let wrong = try await login("tsu_forged", on: client)
            expectStatus(.unauthorized, wrong)
            #expect(wrong.headers[.setCookie] == nil)
            #expect(String(buffer: wrong.body).contains("トークンが正しくないか"))

            let elsewhere = try await login(token, on: client, headers: [.origin: "https://evil.example"])
            expectStatus(.forbidden, elsewhere)
            #expect(elsewhere.headers[.setCookie] == nil)
        }
    }

    @Test func theAPIAcceptsTheSessionCookieInPlaceOfABearerToken() async throws {
        let harness = try TestHarness()
        let token = try await harness.addStaff("sato", .counsellor)
        try await harness.staffApp().test(.router) { client in
            let browser = try await signIn(token, on: client)
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: browser.cookie])
            expectStatus(.ok, me)
            #expect(String(buffer: me.body).contains(#""name":"sato""#))
            // Roles hold as for the bearer token: a counsellor is refused the statistics.
            expectStatus(.forbidden, try await client.execute(uri: "/api/v1/stats", method: .get, headers: [.cookie: browser.cookie]))
            expectStatus(.unauthorized, try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: "tsunagu_session=forged"]))
        }
    }

    @Test func aChangeWithoutTheCSRFTokenIsRefusedBeforeAnyRouteRuns() async throws {
        let harness = try TestHarness()
        let token = try await harness.addStaff("root", .admin)
        try await harness.staffApp().test(.router) { client in
            let browser = try await signIn(token, on: client)
            let body = ByteBuffer(string: #"{"name": "sato", "role": "counsellor"}"#)
            let json: HTTPFields = [.cookie: browser.cookie, .contentType: "application/json"]
            let refusals: [HTTPFields] = [
                json,  // no token
                json + [Self.csrfHeader: "guessed"],
                json + [Self.csrfHeader: browser.csrf, HTTPField.Name("Sec-Fetch-Site")!: "cross-site"],
                json + [Self.csrfHeader: browser.csrf, .origin: "https://evil.example"],
            ]
            for headers in refusals {
                let refused = try await client.execute(uri: "/api/v1/staff", method: .post, headers: headers, body: body)
                expectStatus(.forbidden, refused)
                #expect(String(buffer: refused.body).contains(#""code":"csrf""#))
            }
            #expect(try await SQLiteStaffStore(database: harness.database).list().map(\.name) == ["root"], "a refused request changes nothing")
            let added = try await client.execute(uri: "/api/v1/staff", method: .post, headers: json + [Self.csrfHeader: browser.csrf], body: body)
            expectStatus(.created, added)
            #expect(String(buffer: added.body).contains(#""token":"tsu_"#))
            // Signing out needs the token too, and ends the session.
            expectStatus(.forbidden, try await client.execute(uri: "/console/logout", method: .post, headers: [.cookie: browser.cookie]))
            let out = try await client.execute(
                uri: "/console/logout", method: .post, headers: [.cookie: browser.cookie, Self.csrfHeader: browser.csrf])
            expectStatus(.noContent, out)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            expectStatus(.unauthorized, try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: browser.cookie]))
        }
    }

    @Test func revokingTheTokenEndsItsSessions() async throws {
        let harness = try TestHarness()
        let token = try await harness.addStaff("sato", .counsellor)
        try await harness.staffApp().test(.router) { client in
            let browser = try await signIn(token, on: client)
            expectStatus(.ok, try await client.execute(uri: "/console/queue", method: .get, headers: [.cookie: browser.cookie]))
            _ = try await SQLiteStaffStore(database: harness.database).revoke(name: "sato", by: "test")
            expectStatus(.unauthorized, try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: browser.cookie]))
            let page = try await client.execute(uri: "/console/queue", method: .get, headers: [.cookie: browser.cookie])
            expectStatus(.seeOther, page)
            #expect(page.headers[.location] == "/console/login")
        }
    }

    @Test func aSessionEndsAfterItsIdleTimeOrItsLifetimeOrWhenItsTokenIsRefused() async throws {
        let clock = ManualClock(at: 0)
        let sessions = ConsoleSessions(settings: .init(idle: .seconds(60), lifetime: .seconds(150)), clock: clock.clock)
        let (id, started) = await sessions.start(tokenHash: [1, 2, 3])
        #expect(id.count == 43 && started.csrfToken.count == 43 && id != started.csrfToken)
        clock.set(59_000)
        #expect(await sessions.session(for: id)?.csrfToken == started.csrfToken, "a request within the idle time renews it")
        clock.set(118_000)
        #expect(await sessions.session(for: id) != nil)
        clock.set(151_000)
        #expect(await sessions.session(for: id) == nil, "past its lifetime, however busy")

        let (idle, _) = await sessions.start(tokenHash: [4])
        clock.set(212_000)
        #expect(await sessions.session(for: idle) == nil, "past the idle time")
        let (revoked, _) = await sessions.start(tokenHash: [5])
        await sessions.end(tokenHash: [5])
        #expect(await sessions.session(for: revoked) == nil)
    }

    @Test(arguments: ["/console/login", "/console/queue", "/console/assets/console.js", "/console/nowhere"])
    func everyConsoleAnswerCarriesAStrictPolicyAndRefusesFraming(path: String) async throws {
        let harness = try TestHarness()
        try await harness.staffApp().test(.router) { client in
            let response = try await client.execute(uri: path, method: .get)
            let policy = try #require(response.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'self'") && policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
            #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
        }
    }

    @Test func pagesHaveNoInlineScriptAndEachRoleSeesOnlyItsPages() async throws {
        let harness = try TestHarness()
        let counsellor = try await harness.addStaff("sato", .counsellor)
        let supervisor = try await harness.addStaff("tanaka", .supervisor)
        try await harness.staffApp().test(.router) { client in
            let sato = try await signIn(counsellor, on: client)
            let tanaka = try await signIn(supervisor, on: client)
            for (browser, path, status) in [
                (sato, "/console/queue", HTTPResponse.Status.ok), (sato, "/console/cases/A7K2", .ok), (sato, "/console/stats", .forbidden),
                (tanaka, "/console/stats", .ok), (tanaka, "/console/cases/A7K2", .forbidden), (tanaka, "/console/admin", .forbidden),
            ] {
                let page = try await client.execute(uri: path, method: .get, headers: [.cookie: browser.cookie])
                expectStatus(status, page)
                let html = String(buffer: page.body)
                #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains(#"<html lang="ja">"#))
                #expect(!html.contains("<script>") && !html.contains(" style=") && !html.contains(" onclick="), "\(path)")
                #expect(html.contains(#"<script src="/console/assets/console.js" defer></script>"#))
            }
            let signedOut = try await client.execute(uri: "/console/queue", method: .get)
            expectStatus(.seeOther, signedOut)
            #expect(signedOut.headers[.location] == "/console/login")
        }
    }

    @Test(arguments: [
        ("console.css", "text/css"), ("console.js", "text/javascript"), ("queue.js", "text/javascript"), ("case.js", "text/javascript"),
        ("stats.js", "text/javascript"), ("admin.js", "text/javascript"), ("handover.js", "text/javascript"),
    ])
    func theAssetsAreServedFromTheBinary(name: String, type: String) async throws {
        let harness = try TestHarness()
        try await harness.staffApp().test(.router) { client in
            let asset = try await client.execute(uri: "/console/assets/\(name)", method: .get)
            expectStatus(.ok, asset)
            #expect(asset.headers[.contentType]?.hasPrefix(type) == true)
            #expect(asset.body.readableBytes > 500)
            let text = String(buffer: asset.body)
            #expect(!text.contains("innerHTML") && !text.contains("eval("), "her words only ever go in as text")
        }
        try await harness.staffApp().test(.router) { client in
            expectStatus(.notFound, try await client.execute(uri: "/console/assets/secret.txt", method: .get))
        }
    }
}

extension HTTPFields {
    fileprivate static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var fields = lhs
        fields.append(contentsOf: rhs)
        return fields
    }
}
