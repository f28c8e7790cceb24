public import CurlHTTP
public import Foundation

/// The Messaging API calls Tsunagu makes, over any ``HTTPTransport``.
///
/// Each call checks LINE's limits before anything is sent, and maps LINE's error answers, with their
/// `x-line-request-id`, into ``LineClientError``. Push takes a retry key, to be generated once per outgoing
/// message and reused on every retry, so a retried push is never shown twice.
public struct LineMessagingClient: Sendable {
    private let transport: any HTTPTransport
    private let accessToken: String
    private let baseURL: String
    private let dataBaseURL: String

    /// - Parameters:
    ///   - accessToken: the channel access token (a secret: never logged, never in an error).
    ///   - apiBaseURL: `https://api.line.me`, or the LINE sandbox's address.
    ///   - dataAPIBaseURL: `https://api-data.line.me`, where images are uploaded; by default `apiBaseURL` (the sandbox
    ///     serves both).
    public init(transport: any HTTPTransport, accessToken: String, apiBaseURL: String, dataAPIBaseURL: String? = nil) {
        func trimmed(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }
        self.transport = transport
        self.accessToken = accessToken
        self.baseURL = trimmed(apiBaseURL)
        self.dataBaseURL = trimmed(dataAPIBaseURL ?? apiBaseURL)
    }

    /// What LINE accepted: one entry per message sent, in order.
    public struct SentMessages: Sendable, Hashable {
        public var messageIDs: [String]
        public var requestID: String?

        public init(messageIDs: [String], requestID: String?) {
            self.messageIDs = messageIDs
            self.requestID = requestID
        }
    }

    /// The outcome of a push.
    public enum PushOutcome: Sendable, Hashable {
        /// Accepted now.
        case accepted(SentMessages)
        /// LINE had already accepted a request with this retry key (409): delivered earlier, not again.
        case alreadyAccepted(acceptedRequestID: String?)
    }

    /// The bot's own account, from `GET /v2/bot/info`.
    public struct BotInfo: Sendable, Hashable, Decodable {
        public var userId: String
        public var basicId: String
        public var displayName: String
        public var chatMode: String
        public var markAsReadMode: String
    }

    /// Replies with a webhook event's reply token (single use, valid for about a minute).
    public func reply(
        token: String, messages: [OutgoingMessage], notificationDisabled: Bool = false
    ) async throws(LineClientError) -> SentMessages {
        try MessageLimits.checkCall(messages)
        struct Body: Encodable {
            var replyToken: String
            var messages: [OutgoingMessage]
            var notificationDisabled: Bool?
        }
        let response = try await post(
            "/v2/bot/message/reply", Body(replyToken: token, messages: messages, notificationDisabled: notificationDisabled ? true : nil))
        return try sentMessages(from: response)
    }

    /// Pushes messages to a chat, with `retryKey` (stable across retries of the same messages).
    public func push(
        to chatID: String, messages: [OutgoingMessage], retryKey: UUID, notificationDisabled: Bool = false
    ) async throws(LineClientError) -> PushOutcome {
        try MessageLimits.checkCall(messages)
        struct Body: Encodable {
            var to: String
            var messages: [OutgoingMessage]
            var notificationDisabled: Bool?
        }
        let body = Body(to: chatID, messages: messages, notificationDisabled: notificationDisabled ? true : nil)
        let response = try await send(
            "POST", "/v2/bot/message/push", body: try encode(body),
            extraHeaders: [("X-Line-Retry-Key", retryKey.uuidString.lowercased())], accepting: [409])
        if response.status == 409 {
            return .alreadyAccepted(acceptedRequestID: response.header("x-line-accepted-request-id"))
        }
        return .accepted(try sentMessages(from: response))
    }

    /// Shows the "typing" animation in a one-to-one chat for `seconds` (5 to 60, a multiple of 5).
    public func startLoadingAnimation(chatID: String, seconds: Int = 20) async throws(LineClientError) {
        guard (5...60).contains(seconds), seconds % 5 == 0 else {
            throw .limits("The loading animation lasts 5 to 60 seconds, in steps of 5.")
        }
        struct Body: Encodable {
            var chatId: String
            var loadingSeconds: Int
        }
        _ = try await post("/v2/bot/chat/loading/start", Body(chatId: chatID, loadingSeconds: seconds))
    }

    /// Marks her messages up to the one that carried `token` as read.
    public func markAsRead(token: String) async throws(LineClientError) {
        struct Body: Encodable { var markAsReadToken: String }
        _ = try await post("/v2/bot/chat/markAsRead", Body(markAsReadToken: token))
    }

    /// Leaves a group chat (this is a one-to-one service).
    public func leaveGroup(_ groupID: String) async throws(LineClientError) {
        _ = try await send("POST", "/v2/bot/group/\(try pathSegment(groupID))/leave", body: nil)
    }

    /// Leaves a multi-person chat.
    public func leaveRoom(_ roomID: String) async throws(LineClientError) {
        _ = try await send("POST", "/v2/bot/room/\(try pathSegment(roomID))/leave", body: nil)
    }

    /// The bot's account; `tsunagud` calls it once at start-up to check the access token.
    public func botInfo() async throws(LineClientError) -> BotInfo {
        let response = try await send("GET", "/v2/bot/info", body: nil)
        guard let info = try? JSONDecoder().decode(BotInfo.self, from: response.body) else {
            throw .unexpectedResponse(status: response.status, requestID: response.header("x-line-request-id"))
        }
        return info
    }

    /// Creates a rich menu (without its image yet); returns its id.
    public func createRichMenu(_ menu: RichMenu) async throws(LineClientError) -> String {
        if let problem = menu.validate() { throw .limits(problem) }
        struct Created: Decodable { var richMenuId: String }
        let response = try await post("/v2/bot/richmenu", menu)
        guard let created = try? JSONDecoder().decode(Created.self, from: response.body) else {
            throw .unexpectedResponse(status: response.status, requestID: response.header("x-line-request-id"))
        }
        return created.richMenuId
    }

    /// Uploads a rich menu's image (a PNG of the menu's size, at most 1 MB) to the content API.
    public func uploadRichMenuImage(richMenuID: String, png: Data) async throws(LineClientError) {
        guard png.count <= RichMenu.maxImageBytes, RichMenu.pngSize(png) != nil else {
            throw .limits("A rich menu image is a PNG of at most 1 MB.")
        }
        _ = try await send(
            "POST", "/v2/bot/richmenu/\(try pathSegment(richMenuID, allowing: "-"))/content", body: png, contentType: "image/png",
            base: dataBaseURL)
    }

    /// Makes a rich menu everyone's default.
    public func setDefaultRichMenu(_ richMenuID: String) async throws(LineClientError) {
        _ = try await send("POST", "/v2/bot/user/all/richmenu/\(try pathSegment(richMenuID, allowing: "-"))", body: nil)
    }

    // MARK: - Plumbing

    private func post(_ path: String, _ body: some Encodable) async throws(LineClientError) -> HTTPClientResponse {
        try await send("POST", path, body: try encode(body))
    }

    private func encode(_ body: some Encodable) throws(LineClientError) -> Data {
        do {
            return try JSONEncoder().encode(body)
        } catch {
            throw .limits("The request could not be encoded as JSON.")
        }
    }

    /// Sends a request; any status outside 2xx (and `accepting`) becomes ``LineClientError/api(_:)``.
    private func send(
        _ method: String, _ path: String, body: Data?, contentType: String = "application/json", base: String? = nil,
        extraHeaders: [(name: String, value: String)] = [], accepting: Set<Int> = []
    ) async throws(LineClientError) -> HTTPClientResponse {
        var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(accessToken)")]
        if body != nil { headers.append(("Content-Type", contentType)) }
        headers += extraHeaders
        let response: HTTPClientResponse
        do {
            response = try await transport.send(HTTPClientRequest(method: method, url: (base ?? baseURL) + path, headers: headers, body: body))
        } catch let error as HTTPTransportError {
            throw .transport(error)
        } catch {
            throw .transport(HTTPTransportError(.other, "The request did not complete."))
        }
        guard (200..<300).contains(response.status) || accepting.contains(response.status) else {
            throw .api(Self.apiError(from: response))
        }
        return response
    }

    private func sentMessages(from response: HTTPClientResponse) throws(LineClientError) -> SentMessages {
        struct Body: Decodable {
            struct Sent: Decodable { var id: String }
            var sentMessages: [Sent]
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: response.body) else {
            throw .unexpectedResponse(status: response.status, requestID: response.header("x-line-request-id"))
        }
        return SentMessages(messageIDs: body.sentMessages.map(\.id), requestID: response.header("x-line-request-id"))
    }

    private static func apiError(from response: HTTPClientResponse) -> LineAPIError {
        struct Body: Decodable {
            var message: String?
            var details: [LineAPIError.Detail]?
            var error: String?  // OAuth-style endpoints
            var errorDescription: String?

            enum CodingKeys: String, CodingKey {
                case message, details, error
                case errorDescription = "error_description"
            }
        }
        let body = try? JSONDecoder().decode(Body.self, from: response.body)
        return LineAPIError(
            status: response.status,
            message: body?.message ?? body?.errorDescription ?? body?.error ?? "no error message",
            details: body?.details ?? [],
            requestID: response.header("x-line-request-id"),
            retryAfterSeconds: response.header("retry-after").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) })
    }

    /// LINE ids are letters and digits; anything else would change the path, so it is refused.
    private func pathSegment(_ id: String, allowing extra: Character? = nil) throws(LineClientError) -> String {
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == extra) }) else {
            throw .limits("A LINE chat id must be letters and digits only.")
        }
        return id
    }
}
