import CurlHTTP
import Foundation
import HTTPTypes
import Hummingbird

/// `/sandbox/...`: a small JSON admin surface to read what was delivered and to inject faults, for
/// scripts, the chaos suite and the practice phone. Every endpoint requires `Authorization: Bearer <admin token>`
/// (``LineSandbox/Configuration/adminToken``; 401 otherwise, see ``SandboxAdminAuthentication``).
///
/// - `GET /sandbox/deliveries[?chat=ID]`: accepted messages in order
/// - `GET /sandbox/left-chats`: the groups and rooms the bot left
/// - `PUT /sandbox/faults`: a ``SandboxFaults`` JSON object (latency, 500s, 429s, lost answers, dropped
///   connections, slow bodies; keys left out keep their defaults); `GET` reads it back
/// - `POST /sandbox/reply-tokens` with `{"chatId": …}`: issues a reply token
/// - `POST /sandbox/reset`: forgets everything
/// - `POST /sandbox/phone/text` with `{"userId": …, "text": …}`: the phone side sends her message to
///   Tsunagu's webhook, signed, with a reply token the sandbox honours; answers `{"status": <Tsunagu's>}`
/// - `POST /sandbox/phone/postback` with `{"userId": …, "data": …}`: she tapped a quick reply (the practice
///   phone's numbered choices); answers like `/sandbox/phone/text`
struct SandboxAdminController: Sendable {
    let sandbox: LineSandbox
    let transport = CurlTransport(configuration: .init(connectTimeout: .seconds(2), totalTimeout: .seconds(10)))

    func addRoutes(to router: Router<BasicRequestContext>) {
        let sandbox = self.sandbox
        let admin = router.group("sandbox").add(middleware: SandboxAdminAuthentication(token: sandbox.configuration.adminToken))
        admin.get("deliveries") { request, _ -> Response in
            let chat = request.uri.queryParameters.get("chat")
            return try Self.json(chat.map { sandbox.deliveries(to: $0) } ?? sandbox.deliveries)
        }
        admin.get("left-chats") { _, _ in try Self.json(sandbox.leftChats) }
        admin.get("faults") { _, _ in try Self.json(sandbox.faults) }
        admin.put("faults") { request, context -> Response in
            sandbox.faults = try await request.decode(as: SandboxFaults.self, context: context)
            return Response(status: .noContent)
        }
        admin.post("reply-tokens") { request, context -> Response in
            struct Body: Decodable { var chatId: String }
            let body = try await request.decode(as: Body.self, context: context)
            return try Self.json(["replyToken": sandbox.issueReplyToken(for: body.chatId)])
        }
        let transport = self.transport
        admin.post("phone/text") { request, context -> Response in
            try await Self.phone(sandbox, transport, request, context) { body in body.text.map(PhoneEvent.text) }
        }
        admin.post("phone/postback") { request, context -> Response in
            try await Self.phone(sandbox, transport, request, context) { body in body.data.map(PhoneEvent.postback) }
        }
        admin.post("reset") { _, _ -> Response in
            sandbox.reset()
            return Response(status: .noContent)
        }
    }

    /// What the phone side takes: her id and her text, or the data of the choice she tapped.
    private struct PhoneBody: Decodable {
        var userId: String
        var text: String?
        var data: String?
    }

    /// Sends what she did from her phone to Tsunagu's webhook, signed; answers Tsunagu's status and when the phone
    /// posted (where a latency measurement of Tsunagu starts).
    private static func phone(
        _ sandbox: LineSandbox, _ transport: CurlTransport, _ request: Request, _ context: BasicRequestContext,
        event: (PhoneBody) -> PhoneEvent?
    ) async throws -> Response {
        let body = try await request.decode(as: PhoneBody.self, context: context)
        guard !body.userId.isEmpty, let event = event(body), event != .text(""), event != .postback("") else {
            throw HTTPError(.badRequest, message: "userId and text (or data, for a postback) are required.")
        }
        let postedAt = sandbox.configuration.now().timeIntervalSince1970
        let status = try await sandbox.send(event, from: body.userId, over: transport)
        return try json(PhoneAnswer(status: status, postedAt: postedAt))
    }

    private struct PhoneAnswer: Encodable {
        var status: Int
        var postedAt: Double
    }

    private static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
