public import Foundation

/// One event of a webhook request: the common properties every event has, its typed payload, and the JSON
/// exactly as LINE sent it.
///
/// Decoding is lenient, as LINE asks: unknown keys are ignored, and an event whose type-specific fields are
/// new or malformed keeps its common properties and becomes ``WebhookEventPayload/unknown(type:)``. Only
/// the common properties themselves must have the documented shape.
public struct WebhookEvent: Sendable, Hashable {
    /// The `type` string as sent (also for unknown types).
    public var type: String
    /// Milliseconds since the epoch at which the event happened; unchanged on redelivery.
    public var timestamp: Int64
    /// `active`, or `standby` when another channel handles the chat and the bot must stay silent.
    public var mode: String?
    public var source: WebhookSource?
    /// LINE's unique id of the event (a ULID); absent only in old-format bodies.
    public var webhookEventID: String?
    public var isRedelivery: Bool
    public var replyToken: String?
    public var payload: WebhookEventPayload
    /// The event's JSON exactly as LINE sent it (its bytes within the request body); what the inbox seals.
    public var rawJSON: Data
}

extension WebhookEvent: Decodable {
    /// Decodes the event's fields; ``rawJSON`` is left empty for the caller that holds the bytes to fill.
    private enum CodingKeys: String, CodingKey {
        case type, timestamp, mode, source, webhookEventId, deliveryContext, replyToken
    }
    private struct DeliveryContext: Decodable { var isRedelivery: Bool? }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        self.type = type
        self.timestamp = try c.decode(Int64.self, forKey: .timestamp)
        self.mode = try c.decodeIfPresent(String.self, forKey: .mode)
        self.source = try c.decodeIfPresent(WebhookSource.self, forKey: .source)
        self.webhookEventID = try c.decodeIfPresent(String.self, forKey: .webhookEventId)
        self.isRedelivery = try c.decodeIfPresent(DeliveryContext.self, forKey: .deliveryContext)?.isRedelivery ?? false
        self.replyToken = try c.decodeIfPresent(String.self, forKey: .replyToken)
        self.payload = (try? WebhookEventPayload(type: type, from: decoder)) ?? .unknown(type: type)
        self.rawJSON = Data()  // Set by WebhookRequestBody.decode, which knows the event's bytes.
    }
}
