public import Foundation

/// The body of a webhook request: `{"destination": "<bot user id>", "events": [...]}`.
///
/// `events` may be empty: that is the console's "Verify" request, answered 200 with no side effect.
public struct WebhookRequestBody: Sendable, Decodable {
    /// The bot's own user id; absent in some old-format bodies.
    public var destination: String?
    public var events: [WebhookEvent]

    /// Decodes a body whose signature has been verified.
    ///
    /// - Throws: ``WebhookDecodingError`` when the bytes are not JSON of the webhook shape.
    public static func decode(_ body: VerifiedWebhookBody) throws(WebhookDecodingError) -> WebhookRequestBody {
        do {
            return try JSONDecoder().decode(WebhookRequestBody.self, from: body.bytes)
        } catch {
            throw WebhookDecodingError()
        }
    }
}

/// The body is not a LINE webhook request. Deliberately carries no detail: the decoder's own message could
/// quote the body, which holds user ids and message text.
public struct WebhookDecodingError: Error, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "The body is not a LINE webhook request." }
}
