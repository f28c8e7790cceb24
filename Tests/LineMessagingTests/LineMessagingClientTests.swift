import CurlHTTP
import Foundation
import LineMessaging
import Testing
import TsunaguTesting

@Suite("LINE Messaging API client")
struct LineMessagingClientTests {
    static let token = "channel-access-token-3f9a"
    static let userID = "U" + String(repeating: "ab", count: 16)

    func client(_ transport: RecordingTransport) -> LineMessagingClient {
        LineMessagingClient(transport: transport, accessToken: Self.token, apiBaseURL: "http://127.0.0.1:9/")
    }

    @Test("reply sends LINE's ReplyMessageRequest with the bearer token, and returns the sent ids")
    func reply() async throws {
        let transport = RecordingTransport(json: #"{"sentMessages":[{"id":"461230966842064897","quoteToken":"q"}]}"#)
        let sent = try await client(transport).reply(
            token: "reply-token-1",
            messages: [
                OutgoingMessage(
                    text: "ご相談ありがとうございます。",
                    quickReply: [
                        QuickReplyButton(label: "はい", action: .postback(data: "consent=yes", displayText: "はい")),
                        QuickReplyButton(label: "やめる", action: .message(text: "やめる")),
                    ])
            ])
        #expect(sent == .init(messageIDs: ["461230966842064897"], requestID: "req-1"))
        let request = try #require(transport.requests.last)
        #expect(request.method == "POST" && request.url == "http://127.0.0.1:9/v2/bot/message/reply")
        #expect(request.header("authorization") == "Bearer \(Self.token)")
        #expect(request.header("content-type") == "application/json")
        #expect(request.header("x-line-retry-key") == nil, "reply does not accept a retry key")
        let body = try #require(try transport.lastJSONBody())
        #expect(body["replyToken"] as? String == "reply-token-1")
        #expect(body["notificationDisabled"] == nil)
        let message = try #require((body["messages"] as? [[String: Any]])?.first)
        #expect(message["type"] as? String == "text")
        let items = try #require((message["quickReply"] as? [String: Any])?["items"] as? [[String: Any]])
        #expect(items.count == 2 && items.allSatisfy { $0["type"] as? String == "action" })
        let postback = try #require(items[0]["action"] as? [String: Any])
        #expect(postback as NSDictionary == ["type": "postback", "label": "はい", "data": "consent=yes", "displayText": "はい"])
        #expect(items[1]["action"] as? NSDictionary == ["type": "message", "label": "やめる", "text": "やめる"])
    }

    @Test("push carries the retry key; a 409 means already accepted, not an error")
    func push() async throws {
        let key = UUID()
        let transport = RecordingTransport { request in
            request.header("x-line-retry-key") == key.uuidString.lowercased() && request.body != nil
                ? HTTPClientResponse(
                    status: 409, headers: [("x-line-accepted-request-id", "first-req")],
                    body: Data(#"{"message":"The retry key is already accepted","sentMessages":[{"id":"1"}]}"#.utf8))
                : HTTPClientResponse(status: 500)
        }
        let outcome = try await client(transport).push(to: Self.userID, messages: [OutgoingMessage(text: "お待たせしました")], retryKey: key)
        #expect(outcome == .alreadyAccepted(acceptedRequestID: "first-req"))
        let body = try #require(try transport.lastJSONBody())
        #expect(body["to"] as? String == Self.userID)
        #expect(transport.requests.last?.url == "http://127.0.0.1:9/v2/bot/message/push")
    }

    @Test("loading animation, mark-as-read, leaving and bot info use LINE's paths and bodies")
    func otherEndpoints() async throws {
        let transport = RecordingTransport(
            json: #"{"userId":"Ubot","basicId":"@123abc","displayName":"つなぐ","chatMode":"chat","markAsReadMode":"manual"}"#)
        let client = client(transport)
        try await client.startLoadingAnimation(chatID: Self.userID, seconds: 10)
        #expect(try transport.lastJSONBody() as NSDictionary? == ["chatId": Self.userID, "loadingSeconds": 10])
        try await client.markAsRead(token: "mark-token")
        #expect(try transport.lastJSONBody() as NSDictionary? == ["markAsReadToken": "mark-token"])
        try await client.leaveGroup("Cabc123")
        #expect(transport.requests.last?.url == "http://127.0.0.1:9/v2/bot/group/Cabc123/leave")
        try await client.leaveRoom("Rabc123")
        #expect(transport.requests.last?.url == "http://127.0.0.1:9/v2/bot/room/Rabc123/leave")
        let info = try await client.botInfo()
        #expect(info.basicId == "@123abc" && info.chatMode == "chat")
        #expect(transport.requests.last?.method == "GET" && transport.requests.last?.body == nil)
    }

    @Test("ids that would change the path, and loading times LINE refuses, are not sent")
    func refusedBeforeSending() async throws {
        let transport = RecordingTransport()
        let client = client(transport)
        await #expect(throws: LineClientError.self) { try await client.leaveGroup("../../v2/bot/message/push") }
        await #expect(throws: LineClientError.self) { try await client.leaveRoom("") }
        for seconds in [0, 3, 61, 12] {
            await #expect(throws: LineClientError.self) { try await client.startLoadingAnimation(chatID: "U1", seconds: seconds) }
        }
        #expect(transport.requests.isEmpty)
    }

    @Test("LINE's error body and request id become a typed error that names no token or id")
    func errorMapping() async throws {
        let transport = RecordingTransport(
            status: 400,
            json: #"{"message":"The request body has 1 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"}]}"#)
        do {
            _ = try await client(transport).push(to: Self.userID, messages: [OutgoingMessage(text: "x")], retryKey: UUID())
            Issue.record("a 400 did not throw")
        } catch {
            guard case .api(let apiError) = error else {
                Issue.record("not an API error: \(error)")
                return
            }
            #expect(apiError.status == 400 && apiError.requestID == "req-1")
            #expect(apiError.details == [.init(message: "May not be empty", property: "messages[0].text")])
            #expect(!error.isRetryable)
            #expect(error.description.contains("messages[0].text") && error.description.contains("req-1"))
            #expect(!error.description.contains(Self.token) && !error.description.contains(Self.userID))
        }
    }

    @Test(
        "which failures are worth retrying",
        arguments: [
            (500, #"{"message":"Internal error"}"#, true),
            (503, "", true),
            (429, #"{"message":"Too many requests"}"#, true),
            (429, #"{"message":"You have reached your monthly limit."}"#, false),
            (400, #"{"message":"Invalid reply token"}"#, false),
            (401, #"{"message":"Authentication failed"}"#, false),
        ])
    func retryable(status: Int, json: String, retryable: Bool) async throws {
        let transport = RecordingTransport(status: status, json: json, headers: [("Retry-After", "7")])
        do {
            _ = try await client(transport).reply(token: "t", messages: [OutgoingMessage(text: "x")])
            Issue.record("status \(status) did not throw")
        } catch {
            #expect(error.isRetryable == retryable)
            guard case .api(let apiError) = error else {
                Issue.record("not an API error: \(error)")
                return
            }
            #expect(apiError.status == status && apiError.retryAfterSeconds == 7)
            #expect(apiError.isInvalidReplyToken == json.contains("Invalid reply token"))
            #expect(apiError.isMonthlyQuotaExhausted == json.contains("monthly limit"))
        }
    }

    @Test("a transport failure is retryable and says LINE could not be reached")
    func transportFailure() async throws {
        let transport = RecordingTransport { _ in throw HTTPTransportError(.timeout, "Timeout was reached") }
        do {
            _ = try await client(transport).botInfo()
            Issue.record("did not throw")
        } catch {
            #expect(error.isRetryable)
            #expect(error.description.contains("could not be reached"))
        }
    }
}

@Suite("LINE message limits")
struct MessageLimitsTests {
    @Test("more than five messages, or none, in one call are refused before sending")
    func messagesPerCall() async throws {
        let transport = RecordingTransport()
        let client = LineMessagingClient(transport: transport, accessToken: "t", apiBaseURL: "http://127.0.0.1:9")
        let six = Array(repeating: OutgoingMessage(text: "x"), count: 6)
        await #expect(throws: LineClientError.self) { try await client.reply(token: "t", messages: six) }
        await #expect(throws: LineClientError.self) { try await client.reply(token: "t", messages: []) }
        #expect(transport.requests.isEmpty)
    }

    @Test(
        "quick replies beyond LINE's limits are refused",
        arguments: [
            Array(repeating: QuickReplyButton(label: "a", action: .message(text: "a")), count: 14),
            [QuickReplyButton(label: String(repeating: "あ", count: 21), action: .message(text: "a"))],
            [QuickReplyButton(label: "", action: .message(text: "a"))],
            [QuickReplyButton(label: "a", action: .postback(data: String(repeating: "d", count: 301), displayText: nil))],
            [QuickReplyButton(label: "a", action: .message(text: String(repeating: "t", count: 301)))],
        ])
    func quickReplyLimits(_ buttons: [QuickReplyButton]) {
        #expect(throws: LineClientError.self) { try MessageLimits.prepare([OutgoingMessage(text: "x", quickReply: buttons)]) }
    }

    @Test("13 buttons with 20-character labels and 300-character data are within the limits")
    func atTheLimits() throws {
        let buttons = (0..<13).map { _ in
            QuickReplyButton(label: String(repeating: "あ", count: 20), action: .postback(data: String(repeating: "d", count: 300), displayText: "はい"))
        }
        #expect(try MessageLimits.prepare([OutgoingMessage(text: "x", quickReply: buttons)]).count == 1)
    }

    @Test("long text is split at sentence ends into pieces of at most 5,000 UTF-16 units, buttons on the last")
    func splitsAtSentences() throws {
        let sentence = "今日は話を聞いてくれてありがとうございました。"  // 23 characters
        let text = String(repeating: sentence, count: 500)  // 11,500 UTF-16 units
        let button = QuickReplyButton(label: "続ける", action: .message(text: "続ける"))
        let pieces = try MessageLimits.prepare([OutgoingMessage(text: text, quickReply: [button])])
        #expect(pieces.count == 3)
        #expect(pieces.allSatisfy { $0.text.utf16.count <= 5000 && $0.text.hasSuffix("。") })
        #expect(pieces.map(\.text).joined() == text)
        #expect(pieces.map(\.quickReply) == [[], [], [button]])
    }

    @Test("text without sentence ends is cut between characters, never inside a surrogate pair")
    func splitsWithoutSentences() throws {
        let text = String(repeating: "🌸", count: 3000)  // 6,000 UTF-16 units, no sentence end
        let pieces = try MessageLimits.prepare([OutgoingMessage(text: text)])
        #expect(pieces.map { $0.text.utf16.count } == [5000, 1000])
        #expect(pieces.map(\.text).joined() == text)
    }

    @Test("an empty text is refused")
    func emptyText() {
        #expect(throws: LineClientError.self) { try MessageLimits.prepare([OutgoingMessage(text: "")]) }
    }

    @Test("an outgoing message survives its own JSON (the outbox stores that form)")
    func codableRoundTrip() throws {
        let message = OutgoingMessage(
            text: "こんにちは",
            quickReply: [
                QuickReplyButton(label: "はい", action: .postback(data: "a=1", displayText: nil)),
                QuickReplyButton(label: "いいえ", action: .message(text: "いいえ")),
            ])
        #expect(try JSONDecoder().decode(OutgoingMessage.self, from: JSONEncoder().encode(message)) == message)
    }
}
