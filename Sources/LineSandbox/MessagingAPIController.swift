import Foundation
import HTTPTypes
import Hummingbird
import LineMessaging

/// The Messaging API endpoints Tsunagu calls, answered as LINE answers them: bearer-token check, body
/// validation with LINE's error shapes, single-use expiring reply tokens, retry keys with 409, and an
/// `x-line-request-id` on every response. Faults are injected before anything is checked or recorded,
/// as a real outage would be.
struct MessagingAPIController: Sendable {
    let configuration: LineSandbox.Configuration
    let state: SandboxState

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v2/bot/message/reply") { request, _ in await handle(request) { request, _ in try await reply(request) } }
        router.post("/v2/bot/message/push") { request, _ in await handle(request) { try await push($0, requestID: $1) } }
        router.post("/v2/bot/chat/loading/start") { request, _ in await handle(request) { request, _ in try await loading(request) } }
        router.post("/v2/bot/chat/markAsRead") { request, _ in await handle(request) { request, _ in try await markAsRead(request) } }
        router.post("/v2/bot/group/{id}/leave") { request, context in
            await handle(request) { _, _ in leave(context.parameters.get("id") ?? "") }
        }
        router.post("/v2/bot/room/{id}/leave") { request, context in
            await handle(request) { _, _ in leave(context.parameters.get("id") ?? "") }
        }
        router.get("/v2/bot/info") { request, _ in await handle(request) { _, _ in botInfo() } }
        router.post("/v2/bot/richmenu") { request, _ in await handle(request) { request, _ in try await createRichMenu(request) } }
        // LINE serves this one on api-data.line.me; the sandbox answers both hosts on one port.
        router.post("/v2/bot/richmenu/{id}/content") { request, context in
            await handle(request) { request, _ in try await uploadRichMenuImage(request, id: context.parameters.get("id") ?? "") }
        }
        router.post("/v2/bot/user/all/richmenu/{id}") { request, context in
            await handle(request) { _, _ in try setDefaultRichMenu(context.parameters.get("id") ?? "") }
        }
    }

    /// A LINE answer: status and JSON body (serialised at once, so the answer is a plain value).
    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var body: Data
        var headers: HTTPFields

        init(status: HTTPResponse.Status, json: Any, headers: HTTPFields = [:]) {
            self.status = status
            self.body = (try? JSONSerialization.data(withJSONObject: json)) ?? Data("{}".utf8)
            self.headers = headers
        }
    }

    private struct Refusal: Error { let answer: Answer }
    private struct DroppedConnection: Error {}

    /// Answers with `body`'s answer, or an injected fault or a refusal; `body` gets this answer's request id.
    private func handle(_ request: Request, _ body: (Request, String) async throws -> Answer) async -> Response {
        state.noteArrival()
        let requestID = state.newRequestID()
        let answer: Answer
        var injected: SandboxFaults.Injection?
        do {
            let faults = state.faults
            if faults.latencyMilliseconds > 0 { try? await Task.sleep(for: .milliseconds(faults.latencyMilliseconds)) }
            let fault = state.nextFault()
            injected = fault
            switch fault {
            case .serverError: throw Refusal(answer: Answer(status: .internalServerError, json: ["message": "Internal server error"]))
            case .rateLimited(let seconds):
                throw Refusal(
                    answer: Answer(status: .tooManyRequests, json: ["message": "Too Many Requests"], headers: [.retryAfter: String(seconds)]))
            case .lostAnswer, .droppedConnection, .slowBody, nil: break
            }
            guard request.headers[.authorization] == "Bearer \(configuration.accessToken)" else {
                throw Refusal(
                    answer: Answer(
                        status: .unauthorized,
                        json: [
                            "message": "Authentication failed. Confirm that the access token in the authorization header is valid."
                        ]))
            }
            let carriedOut = try await body(request, requestID)
            // A lost answer: the request was carried out, but the client hears only a failure.
            answer = fault == .lostAnswer ? Answer(status: .internalServerError, json: ["message": "Internal server error"]) : carriedOut
        } catch let refusal as Refusal {
            answer = refusal.answer
        } catch {
            answer = Answer(status: .badRequest, json: ["message": "The request body could not be read"])
        }
        var headers = answer.headers
        headers[.contentType] = "application/json"
        headers[HTTPField.Name("x-line-request-id")!] = requestID
        let bytes = answer.body
        switch injected {
        case .droppedConnection:
            // The status line and headers go out, then the connection is cut short of the promised body.
            return Response(
                status: answer.status, headers: headers,
                body: ResponseBody(contentLength: bytes.count + 1) { writer in
                    try await writer.write(ByteBuffer(bytes: bytes.prefix(bytes.count / 2)))
                    throw DroppedConnection()
                })
        case .slowBody(let milliseconds):
            let pieces = max(1, min(bytes.count, 8))
            return Response(
                status: answer.status, headers: headers,
                body: ResponseBody(contentLength: bytes.count) { writer in
                    let size = (bytes.count + pieces - 1) / pieces
                    for start in stride(from: 0, to: bytes.count, by: size) {
                        try await Task.sleep(for: .milliseconds(milliseconds / pieces))
                        try await writer.write(ByteBuffer(bytes: bytes[start..<min(start + size, bytes.count)]))
                    }
                    try await writer.finish(nil)
                })
        default:
            return Response(status: answer.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    private func jsonBody(_ request: Request) async throws -> [String: Any] {
        let bytes = try await request.body.collect(upTo: 2 << 20)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any] else {
            throw Refusal(
                answer: Answer(
                    status: .badRequest,
                    json: [
                        "message": "The request body has 1 error(s)",
                        "details": [
                            ["message": "Request body could not be parsed as JSON", "property": ""]
                        ],
                    ]))
        }
        return object
    }

    private func refuse(_ details: [MessageValidator.Detail]) -> Refusal {
        Refusal(
            answer: Answer(
                status: .badRequest,
                json: [
                    "message": "The request body has \(details.count) error(s)",
                    "details": details.map { ["message": $0.message, "property": $0.property] },
                ]))
    }

    private func decodeMessages(_ body: [String: Any]) throws -> [OutgoingMessage] {
        let data = try JSONSerialization.data(withJSONObject: body["messages"] ?? [])
        let objects = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        return try objects.map { object in
            if object["type"] as? String == "text" {
                return try JSONDecoder().decode(OutgoingMessage.self, from: JSONSerialization.data(withJSONObject: object))
            }
            return OutgoingMessage(text: "[\(object["type"] as? String ?? "?")]")
        }
    }

    private func reply(_ request: Request) async throws -> Answer {
        let body = try await jsonBody(request)
        var details = MessageValidator.messages(body["messages"])
        let token = body["replyToken"] as? String ?? ""
        if token.isEmpty { details.append(.init(message: "May not be empty", property: "replyToken")) }
        guard details.isEmpty else { throw refuse(details) }
        guard
            case .valid(let chatID) = state.useReplyToken(
                token, lifetime: configuration.replyTokenLifetime, redeliveryWindow: configuration.redeliveredTokenWindow)
        else {
            return Answer(status: .badRequest, json: ["message": "Invalid reply token"])
        }
        let ids = state.deliver(try decodeMessages(body), to: chatID, via: .reply, retryKey: nil, requestID: "")!
        return Answer(status: .ok, json: ["sentMessages": ids.map { ["id": $0, "quoteToken": "q" + $0] }])
    }

    private func push(_ request: Request, requestID: String) async throws -> Answer {
        let retryKey = request.headers[HTTPField.Name("X-Line-Retry-Key")!]
        if let retryKey, UUID(uuidString: retryKey) == nil {
            return Answer(status: .badRequest, json: ["message": "The value of the X-Line-Retry-Key header is invalid"])
        }
        if let retryKey, let earlier = state.acceptedRetryKey(retryKey.lowercased()) {
            return alreadyAccepted(earlier)
        }
        let body = try await jsonBody(request)
        var details = MessageValidator.messages(body["messages"])
        let to = body["to"] as? String ?? ""
        if to.isEmpty { details.append(.init(message: "May not be empty", property: "to")) }
        guard details.isEmpty else { throw refuse(details) }
        guard let ids = state.deliver(try decodeMessages(body), to: to, via: .push, retryKey: retryKey?.lowercased(), requestID: requestID) else {
            return alreadyAccepted(state.acceptedRetryKey(retryKey!.lowercased())!)
        }
        return Answer(status: .ok, json: ["sentMessages": ids.map { ["id": $0, "quoteToken": "q" + $0] }])
    }

    private func alreadyAccepted(_ earlier: (requestID: String, messageIDs: [String])) -> Answer {
        Answer(
            status: .conflict,
            json: ["message": "The retry key is already accepted", "sentMessages": earlier.messageIDs.map { ["id": $0] }],
            headers: [HTTPField.Name("x-line-accepted-request-id")!: earlier.requestID])
    }

    private func loading(_ request: Request) async throws -> Answer {
        let body = try await jsonBody(request)
        var details: [MessageValidator.Detail] = []
        if (body["chatId"] as? String ?? "").isEmpty { details.append(.init(message: "May not be empty", property: "chatId")) }
        if let seconds = body["loadingSeconds"] {
            guard let seconds = seconds as? Int, (5...60).contains(seconds), seconds % 5 == 0 else {
                throw refuse([.init(message: "Must be a multiple of 5 between 5 and 60", property: "loadingSeconds")])
            }
        }
        guard details.isEmpty else { throw refuse(details) }
        return Answer(status: .accepted, json: [String: Any]())
    }

    private func markAsRead(_ request: Request) async throws -> Answer {
        let body = try await jsonBody(request)
        guard !(body["markAsReadToken"] as? String ?? "").isEmpty else {
            throw refuse([.init(message: "May not be empty", property: "markAsReadToken")])
        }
        return Answer(status: .ok, json: [String: Any]())
    }

    private func leave(_ chatID: String) -> Answer {
        state.recordLeave(chatID)
        return Answer(status: .ok, json: [String: Any]())
    }

    /// Validates the menu as LINE does (the OpenAPI schema's types and LINE's documented limits) and stores it.
    private func createRichMenu(_ request: Request) async throws -> Answer {
        let bytes = try await request.body.collect(upTo: 2 << 20)
        guard let menu = try? JSONDecoder().decode(RichMenu.self, from: Data(bytes.readableBytesView)) else {
            throw refuse([.init(message: "The rich menu object could not be read", property: "")])
        }
        if let problem = menu.validate() { throw refuse([.init(message: problem, property: "")]) }
        return Answer(status: .ok, json: ["richMenuId": state.storeRichMenu(menu)])
    }

    /// A PNG or JPEG of at most 1 MB, of exactly the menu's size, once per menu.
    private func uploadRichMenuImage(_ request: Request, id: String) async throws -> Answer {
        guard let menu = state.richMenu(id) else { throw Refusal(answer: Answer(status: .notFound, json: ["message": "Not found"])) }
        let type = request.headers[.contentType] ?? ""
        let bytes = Data(try await request.body.collect(upTo: 2 << 20).readableBytesView)
        guard type == "image/png" || type == "image/jpeg" else {
            throw Refusal(answer: Answer(status: .unsupportedMediaType, json: ["message": "Unsupported media type"]))
        }
        guard bytes.count <= RichMenu.maxImageBytes else { throw refuse([.init(message: "The image is larger than 1 MB", property: "")]) }
        if type == "image/png" {
            guard let size = RichMenu.pngSize(bytes), size.width == menu.size.width, size.height == menu.size.height else {
                throw refuse([.init(message: "The image does not match the rich menu's size", property: "")])
            }
        }
        guard state.storeRichMenuImage(bytes, for: id) else {
            throw refuse([.init(message: "An image has already been uploaded to the rich menu", property: "")])
        }
        return Answer(status: .ok, json: [String: Any]())
    }

    private func setDefaultRichMenu(_ id: String) throws -> Answer {
        guard state.richMenu(id) != nil, state.richMenuImage(id) != nil else {
            throw Refusal(answer: Answer(status: .badRequest, json: ["message": "must upload richmenu image before applying it to user"]))
        }
        state.setDefaultRichMenu(id)
        return Answer(status: .ok, json: [String: Any]())
    }

    private func botInfo() -> Answer {
        Answer(
            status: .ok,
            json: [
                "userId": configuration.botUserID, "basicId": "@tsunagu-sandbox", "displayName": "つなぐ (sandbox)",
                "chatMode": "chat", "markAsReadMode": "manual",
            ])
    }
}
