import CurlHTTP
import Foundation
import Hummingbird
import HummingbirdTesting
import LineMessaging
import LineSandbox
import Testing
import TsunaguCoreTesting
import TsunaguTesting

/// The sandbox's `/sandbox/*` endpoints show what the bot sent her and sign webhooks as her: they answer only
/// the admin token, and refuse anything else before reading or changing anything. LINE's `/v2/*` keep LINE's check.
@Suite("Sandbox admin token")
struct SandboxAdminTokenTests {
    static let accessToken = "sandbox-access-token"
    static let adminToken = "the-sandbox-admin-token-for-tests"

    /// Runs `body` with a sandbox whose phone posts to a webhook that counts what it receives.
    func withSandbox(_ body: @escaping @Sendable (LineSandbox, _ baseURL: String, _ webhookPosts: Locked<Int>) async throws -> Void) async throws {
        let posts = Locked(0)
        let router = Router()
        router.post("/webhook") { _, _ -> Response in
            posts.withLock { $0 += 1 }
            return Response(status: .ok)
        }
        let webhook = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await webhook.test(.live) { client in
            let sandbox = LineSandbox(
                configuration: .init(
                    now: RealTime.now, newID: RealTime.newID,
                    accessToken: Self.accessToken, channelSecret: TestSecrets.channelSecret,
                    webhookURL: "http://127.0.0.1:\(client.port!)/webhook", adminToken: Self.adminToken))
            try await sandbox.serve { baseURL in try await body(sandbox, baseURL, posts) }
        }
    }

    static func send(
        _ method: String, _ url: String, authorization: String?, body: String? = nil
    ) async throws -> HTTPClientResponse {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let authorization { headers.append(("Authorization", authorization)) }
        return try await transport.send(HTTPClientRequest(method: method, url: url, headers: headers, body: body.map { Data($0.utf8) }))
    }

    /// What a refused request may carry: none, a wrong token, LINE's token, the right one with more or in another scheme.
    static let refused: [String?] = [
        nil, "Bearer wrong", "Bearer \(accessToken)", "Bearer \(adminToken)x", "Bearer \(adminToken.dropLast())", "Basic \(adminToken)",
        "Bearer ",
    ]

    @Test("without the admin token /sandbox/deliveries and /sandbox/phone/text are 401 and change nothing; with it they work")
    func adminEndpointsNeedTheToken() async throws {
        try await withSandbox { sandbox, baseURL, webhookPosts in
            // LINE's endpoint, unchanged: the channel access token, and no admin token, delivers.
            let client = LineMessagingClient(transport: CurlTransport(), accessToken: Self.accessToken, apiBaseURL: baseURL)
            _ = try await client.push(to: "U1", messages: [OutgoingMessage(text: "届いた")], retryKey: UUID())
            #expect(sandbox.deliveries.count == 1)
            let faultsBefore = sandbox.faults

            for authorization in Self.refused {
                let deliveries = try await Self.send("GET", baseURL + "/sandbox/deliveries", authorization: authorization)
                #expect(deliveries.status == 401, "\(authorization ?? "no header")")
                #expect(!String(decoding: deliveries.body, as: UTF8.self).contains("届いた"))
                let error = (try JSONSerialization.jsonObject(with: deliveries.body) as? [String: Any])?["error"] as? [String: Any]
                #expect((error?["message"] as? String)?.contains("Authorization: Bearer") == true)
                #expect(deliveries.header("WWW-Authenticate") == "Bearer")

                let phone = try await Self.send(
                    "POST", baseURL + "/sandbox/phone/text", authorization: authorization, body: #"{"userId":"U1","text":"こんにちは"}"#)
                #expect(phone.status == 401)
                let reset = try await Self.send("POST", baseURL + "/sandbox/reset", authorization: authorization)
                #expect(reset.status == 401)
                let faults = try await Self.send("PUT", baseURL + "/sandbox/faults", authorization: authorization, body: #"{"serverErrorRate":1}"#)
                #expect(faults.status == 401)
            }
            #expect(webhookPosts.value == 0, "a refused phone request reached the webhook")
            #expect(sandbox.deliveries.count == 1 && sandbox.faults == faultsBefore)

            let deliveries = try await Self.send("GET", baseURL + "/sandbox/deliveries?chat=U1", authorization: "Bearer \(Self.adminToken)")
            #expect(deliveries.status == 200)
            #expect(String(decoding: deliveries.body, as: UTF8.self).contains("届いた"))
            let phone = try await Self.send(
                "POST", baseURL + "/sandbox/phone/text", authorization: "Bearer \(Self.adminToken)", body: #"{"userId":"U1","text":"こんにちは"}"#)
            #expect(phone.status == 200)
            #expect(String(decoding: phone.body, as: UTF8.self).contains(#""status":200"#))
            #expect(webhookPosts.value == 1)
        }
    }

    @Test("LINE's /v2 endpoints take the channel access token, not the admin token")
    func lineEndpointsUnchanged() async throws {
        try await withSandbox { _, baseURL, _ in
            let info = try await Self.send("GET", baseURL + "/v2/bot/info", authorization: "Bearer \(Self.accessToken)")
            #expect(info.status == 200)
            let withAdminToken = try await Self.send("GET", baseURL + "/v2/bot/info", authorization: "Bearer \(Self.adminToken)")
            #expect(withAdminToken.status == 401)
        }
    }

    @Test("a sandbox given no admin token makes its own: 32 random bytes, base64url")
    func generatedToken() {
        let first = LineSandbox(
            configuration: .init(
                now: RealTime.now, newID: RealTime.newID, accessToken: "a", channelSecret: "s")
        ).configuration.adminToken
        let second = LineSandbox(
            configuration: .init(
                now: RealTime.now, newID: RealTime.newID, accessToken: "a", channelSecret: "s")
        ).configuration.adminToken
        #expect(first != second)
        #expect(first.count == 43 && first.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
    }
}
