public import Foundation
public import LineMessaging
public import TsunaguCore
public import TsunaguCoreTesting

/// Builds realistic LINE webhook bodies and signs them, as the LINE platform would.
public struct WebhookFixtures: Sendable {
    public let channelSecret: String

    public init(channelSecret: String = TestSecrets.channelSecret) { self.channelSecret = channelSecret }

    /// A `message` event with a text message from a one-to-one chat.
    public static func textEvent(
        userID: String, text: String, eventID: String = ULIDLike.make(), timestamp: Int64 = 1_767_225_600_000,
        replyToken: String = RealTime.ids.nextString(), isRedelivery: Bool = false
    ) -> JSONValue {
        .object([
            "type": .string("message"), "mode": .string("active"), "timestamp": .integer(timestamp),
            "source": .object(["type": .string("user"), "userId": .string(userID)]),
            "webhookEventId": .string(eventID),
            "deliveryContext": .object(["isRedelivery": .bool(isRedelivery)]),
            "replyToken": .string(replyToken),
            "message": .object([
                "id": .string(String(timestamp)), "type": .string("text"), "text": .string(text),
                "quoteToken": .string("q-" + eventID), "markAsReadToken": .string("r-" + eventID),
            ]),
        ])
    }

    /// A `message` event from a group chat.
    public static func groupTextEvent(groupID: String, userID: String, text: String, eventID: String = ULIDLike.make()) -> JSONValue {
        guard case .object(var members) = textEvent(userID: userID, text: text, eventID: eventID) else { fatalError() }
        members["source"] = .object(["type": .string("group"), "groupId": .string(groupID), "userId": .string(userID)])
        return .object(members)
    }

    /// The request body `{"destination": …, "events": […]}`, as bytes.
    public static func body(events: [JSONValue], destination: String = "U0123456789abcdef0123456789abcdef") -> Data {
        try! JSONEncoder().encode(JSONValue.object(["destination": .string(destination), "events": .array(events)]))
    }

    public func sign(_ body: Data) -> String { WebhookSignature(channelSecret: channelSecret).sign(body) }
}

/// A 26-character, ULID-shaped event id (unique, not time-ordered: tests need uniqueness only).
public enum ULIDLike {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    public static func make() -> String { String((0..<26).map { _ in alphabet.randomElement()! }) }
}
