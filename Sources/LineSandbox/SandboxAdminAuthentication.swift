import Foundation
import HTTPTypes
import Hummingbird

/// Lets a request to a `/sandbox/*` endpoint through only with `Authorization: Bearer <admin token>`; any other
/// is answered 401 with one sentence, before its handler runs, so it reads and changes nothing.
///
/// Those endpoints show what the bot sent her and sign webhooks as her, and loopback is shared by every user
/// and process on the machine. LINE's own `/v2/*` endpoints keep LINE's check, the channel access token.
struct SandboxAdminAuthentication<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.admits(request.headers[.authorization], token: token) else {
            let body =
                #"{"error":{"message":"Send the sandbox's admin token as 'Authorization: Bearer <token>'; it is logged when the sandbox starts, unless TSUNAGU_SANDBOX_TOKEN set it."}}"#
            return Response(
                status: .unauthorized, headers: [.contentType: "application/json", .wwwAuthenticate: "Bearer"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return try await next(request, context)
    }

    /// Whether `authorization` is `Bearer <token>`, compared in time that depends only on the token's length.
    static func admits(_ authorization: String?, token: String) -> Bool {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return false }
        let given = Array(authorization.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8)
        let expected = Array(token.utf8)
        var difference: UInt8 = given.count == expected.count ? 0 : 1
        for index in expected.indices { difference |= expected[index] ^ (index < given.count ? given[index] : 0) }
        return difference == 0 && !expected.isEmpty
    }
}
