import CurlHTTP
import Foundation
import Hummingbird
import HummingbirdTesting
import LineMessaging
import LineSandbox
import Testing
import TsunaguCoreTesting
import TsunaguTesting

/// The real client, over the real libcurl transport, against the sandbox on loopback.
@Suite("LINE client against the sandbox")
struct LineSandboxClientTests {
    static let accessToken = "sandbox-access-token"
    static let user = "U" + String(repeating: "0f", count: 16)

    /// Runs `body` with a sandbox served on a free port and a client pointed at it.
    func withSandbox(
        replyTokenLifetime: Duration = .seconds(60),
        _ body: @escaping @Sendable (LineSandbox, LineMessagingClient, _ baseURL: String) async throws -> Void
    ) async throws {
        let sandbox = LineSandbox(
            configuration: .init(
                now: RealTime.now, newID: RealTime.newID,
                accessToken: Self.accessToken, channelSecret: TestSecrets.channelSecret, replyTokenLifetime: replyTokenLifetime))
        try await sandbox.serve { baseURL in
            try await body(sandbox, LineMessagingClient(transport: CurlTransport(), accessToken: Self.accessToken, apiBaseURL: baseURL), baseURL)
        }
    }

    @Test("a reply token works once; the second use and an expired token get LINE's 'Invalid reply token'")
    func replyTokens() async throws {
        try await withSandbox { sandbox, client, _ in
            let token = sandbox.issueReplyToken(for: Self.user)
            let sent = try await client.reply(token: token, messages: [OutgoingMessage(text: "ようこそ")])
            #expect(sent.messageIDs.count == 1 && sent.requestID != nil)
            #expect(sandbox.deliveries(to: Self.user).map(\.message.text) == ["ようこそ"])
            do {
                _ = try await client.reply(token: token, messages: [OutgoingMessage(text: "二回目")])
                Issue.record("a used reply token worked twice")
            } catch let error as LineClientError {
                guard case .api(let apiError) = error else {
                    Issue.record("\(error)")
                    return
                }
                #expect(apiError.isInvalidReplyToken && !error.isRetryable)
            }
            #expect(sandbox.deliveries.count == 1)
        }
        try await withSandbox(replyTokenLifetime: .zero) { sandbox, client, _ in
            let token = sandbox.issueReplyToken(for: Self.user)
            await #expect(throws: LineClientError.self) { try await client.reply(token: token, messages: [OutgoingMessage(text: "遅い")]) }
            #expect(sandbox.deliveries.isEmpty)
        }
    }

    @Test("a dropped connection reaches the client as a transport failure, though the push was carried out")
    func droppedConnection() async throws {
        try await withSandbox { sandbox, client, _ in
            sandbox.faults = SandboxFaults(droppedConnectionRate: 1)
            do {
                _ = try await client.push(to: Self.user, messages: [OutgoingMessage(text: "届いた？")], retryKey: UUID())
                Issue.record("a cut connection read as a success")
            } catch let error as LineClientError {
                guard case .transport = error else {
                    Issue.record("\(error)")
                    return
                }
                #expect(error.isRetryable)
            }
            #expect(sandbox.deliveries(to: Self.user).map(\.message.text) == ["届いた？"])
        }
    }

    @Test("a slow body is waited for, and a client whose total timeout is shorter gives up with a timeout")
    func slowBody() async throws {
        try await withSandbox { sandbox, client, baseURL in
            sandbox.faults = SandboxFaults(slowBodyRate: 1, slowBodyMilliseconds: 400)
            let outcome = try await client.push(to: Self.user, messages: [OutgoingMessage(text: "ゆっくり")], retryKey: UUID())
            guard case .accepted = outcome else {
                Issue.record("\(outcome)")
                return
            }
            let impatient = LineMessagingClient(
                transport: CurlTransport(configuration: .init(totalTimeout: .milliseconds(100))), accessToken: Self.accessToken,
                apiBaseURL: baseURL)
            do {
                _ = try await impatient.push(to: Self.user, messages: [OutgoingMessage(text: "待てない")], retryKey: UUID())
                Issue.record("a body slower than the total timeout was waited for")
            } catch let error as LineClientError {
                guard case .transport(let transportError) = error else {
                    Issue.record("\(error)")
                    return
                }
                #expect(transportError.code == .timeout)
            }
        }
    }

    @Test("a push retried with the same key is accepted once; the retry learns it was accepted")
    func retryKeys() async throws {
        try await withSandbox { sandbox, client, _ in
            let key = UUID()
            let first = try await client.push(to: Self.user, messages: [OutgoingMessage(text: "お待たせしました")], retryKey: key)
            guard case .accepted(let sent) = first else {
                Issue.record("first push not accepted: \(first)")
                return
            }
            let again = try await client.push(to: Self.user, messages: [OutgoingMessage(text: "お待たせしました")], retryKey: key)
            #expect(again == .alreadyAccepted(acceptedRequestID: sent.requestID))
            _ = try await client.push(to: Self.user, messages: [OutgoingMessage(text: "別のメッセージ")], retryKey: UUID())
            #expect(sandbox.deliveries(to: Self.user).map(\.message.text) == ["お待たせしました", "別のメッセージ"])
        }
    }

    @Test("loading animation, mark-as-read, leaving and bot info all succeed against the sandbox")
    func otherEndpoints() async throws {
        try await withSandbox { sandbox, client, _ in
            try await client.startLoadingAnimation(chatID: Self.user, seconds: 20)
            try await client.markAsRead(token: "mark-token")
            try await client.leaveGroup("Cgroup1")
            try await client.leaveRoom("Rroom1")
            #expect(sandbox.leftChats == ["Cgroup1", "Rroom1"])
            #expect(try await client.botInfo().userId == sandbox.configuration.botUserID)
        }
    }

    @Test("a wrong access token gets 401, mapped and not retryable")
    func wrongToken() async throws {
        try await withSandbox { _, _, baseURL in
            let client = LineMessagingClient(transport: CurlTransport(), accessToken: "wrong", apiBaseURL: baseURL)
            do {
                _ = try await client.botInfo()
                Issue.record("a wrong token was accepted")
            } catch let error as LineClientError {
                guard case .api(let apiError) = error else {
                    Issue.record("\(error)")
                    return
                }
                #expect(apiError.status == 401 && !error.isRetryable && apiError.requestID != nil)
            }
        }
    }

    @Test("long text split by the client is accepted in one call, in order")
    func splitTextPasses() async throws {
        try await withSandbox { sandbox, client, _ in
            let text = String(repeating: "話してくれてありがとう。", count: 1000)  // 12,000 UTF-16 units
            let pieces = try MessageLimits.prepare([OutgoingMessage(text: text)])
            let token = sandbox.issueReplyToken(for: Self.user)
            _ = try await client.reply(token: token, messages: pieces)
            #expect(sandbox.deliveries(to: Self.user).map(\.message.text).joined() == text)
        }
    }

    @Test(
        "the sandbox refuses what LINE refuses, with LINE's error shape",
        arguments: [
            (#"{"to":"U1","messages":[]}"#, "messages"),
            (
                #"{"to":"U1","messages":[{"type":"text","text":"a"},{"type":"text","text":"a"},{"type":"text","text":"a"},{"type":"text","text":"a"},{"type":"text","text":"a"},{"type":"text","text":"a"}]}"#,
                "messages"
            ),
            (#"{"to":"U1","messages":[{"type":"text","text":""}]}"#, "messages[0].text"),
            (#"{"to":"U1","messages":[{"type":"bogus"}]}"#, "messages[0].type"),
            (#"{"messages":[{"type":"text","text":"a"}]}"#, "to"),
            (
                #"{"to":"U1","messages":[{"type":"text","text":"a","quickReply":{"items":[{"type":"action","action":{"type":"message","label":"123456789012345678901","text":"a"}}]}}]}"#,
                "messages[0].quickReply.items[0].action.label"
            ),
            (
                #"{"to":"U1","messages":[{"type":"text","text":"a","quickReply":{"items":[{"type":"action","action":{"type":"postback","label":"a"}}]}}]}"#,
                "messages[0].quickReply.items[0].action.data"
            ),
        ])
    func sandboxValidation(body: String, property: String) async throws {
        try await withSandbox { sandbox, _, baseURL in
            let response = try await CurlTransport().send(
                HTTPClientRequest(
                    method: "POST", url: baseURL + "/v2/bot/message/push",
                    headers: [("Authorization", "Bearer \(Self.accessToken)"), ("Content-Type", "application/json")],
                    body: Data(body.utf8)))
            #expect(response.status == 400)
            let json = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
            #expect((json["message"] as? String)?.hasPrefix("The request body has") == true)
            let properties = (json["details"] as? [[String: Any]] ?? []).compactMap { $0["property"] as? String }
            #expect(properties.contains(property), "details: \(properties)")
            #expect(response.header("x-line-request-id") != nil)
            #expect(sandbox.deliveries.isEmpty)
        }
    }

    @Test("injected 500s and 429s reach the client as retryable errors, with Retry-After")
    func injectedFaults() async throws {
        try await withSandbox { sandbox, client, _ in
            sandbox.faults = SandboxFaults(serverErrorRate: 1)
            do {
                _ = try await client.push(to: Self.user, messages: [OutgoingMessage(text: "a")], retryKey: UUID())
                Issue.record("no fault")
            } catch let error as LineClientError {
                guard case .api(let apiError) = error else {
                    Issue.record("\(error)")
                    return
                }
                #expect(apiError.status == 500 && error.isRetryable)
            }
            sandbox.faults = SandboxFaults(rateLimitRate: 1, retryAfterSeconds: 4)
            do {
                _ = try await client.push(to: Self.user, messages: [OutgoingMessage(text: "a")], retryKey: UUID())
                Issue.record("no fault")
            } catch let error as LineClientError {
                guard case .api(let apiError) = error else {
                    Issue.record("\(error)")
                    return
                }
                #expect(apiError.status == 429 && apiError.retryAfterSeconds == 4 && error.isRetryable)
            }
            #expect(sandbox.deliveries.isEmpty)
            sandbox.faults = SandboxFaults()
            _ = try await client.push(to: Self.user, messages: [OutgoingMessage(text: "a")], retryKey: UUID())
            #expect(sandbox.deliveries.count == 1)
        }
    }

    @Test("the phone side signs webhooks LINE's way, and their reply tokens work once")
    func phoneSide() async throws {
        try await withSandbox { sandbox, client, _ in
            let (body, signature) = sandbox.textMessageWebhook(from: Self.user, text: "相談したいです")
            let verified = try #require(WebhookSignature(channelSecret: TestSecrets.channelSecret).verify(body, signature: signature))
            let event = try #require(try WebhookRequestBody.decode(verified).events.first)
            #expect(event.webhookEventID?.count == 26)
            guard case .message(.text(_, let text, _, _)) = event.payload else {
                Issue.record("\(event.payload)")
                return
            }
            #expect(text == "相談したいです")
            let token = try #require(event.replyToken)
            _ = try await client.reply(token: token, messages: [OutgoingMessage(text: "受け取りました")])
            #expect(sandbox.deliveries(to: Self.user).map(\.method) == [.reply])
        }
    }
}
