import Foundation

/// The body of a webhook request: `{"destination": "<bot user id>", "events": [...]}`.
///
/// `events` may be empty: that is the console's "Verify" request, answered 200 with no side effect.
public struct WebhookRequestBody: Sendable {
    /// The bot's own user id; absent in some old-format bodies.
    public var destination: String?
    public var events: [WebhookEvent]

    /// Decodes a body whose signature has been verified.
    ///
    /// ``WebhookBodyScanner`` validates the JSON and finds each event's bytes; each event is then decoded
    /// from its own bytes and keeps them as ``WebhookEvent/rawJSON``.
    ///
    /// - Throws: ``WebhookDecodingError`` when the bytes are not JSON of the webhook shape.
    public static func decode(_ body: VerifiedWebhookBody) throws(WebhookDecodingError) -> WebhookRequestBody {
        let bytes = body.bytes
        let scanned = bytes.withUnsafeBytes { WebhookBodyScanner.scan($0) }
        guard let scanned else { throw WebhookDecodingError() }
        let decoder = JSONDecoder()
        do {
            let destination = try scanned.destination.map { try decoder.decode(String.self, from: slice(bytes, $0)) }
            let events = try scanned.events.map { range in
                let raw = slice(bytes, range)
                var event = try decoder.decode(WebhookEvent.self, from: raw)
                event.rawJSON = raw
                return event
            }
            return WebhookRequestBody(destination: destination, events: events)
        } catch {
            throw WebhookDecodingError()
        }
    }

    /// A copy of `range` of `bytes` (whose indices need not start at zero), as its own `Data`.
    private static func slice(_ bytes: Data, _ range: Range<Int>) -> Data {
        Data(bytes[(bytes.startIndex + range.lowerBound)..<(bytes.startIndex + range.upperBound)])
    }
}

/// The body is not a LINE webhook request. Deliberately carries no detail: the decoder's own message could
/// quote the body, which holds user ids and message text.
public struct WebhookDecodingError: Error, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "The body is not a LINE webhook request." }
}
