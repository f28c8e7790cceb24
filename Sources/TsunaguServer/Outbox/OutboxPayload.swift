import Foundation
public import LineMessaging

/// What an outbox entry keeps sealed: where to send, the reply token if any, and the messages.
public struct OutboxPayload: Sendable, Hashable, Codable {
    /// The LINE user, group or room id to push to.
    public var chatID: String
    /// The webhook event's reply token, if the send may use it.
    public var replyToken: String?
    /// Up to five messages, within LINE's limits (none when the entry only leaves a chat).
    public var messages: [OutgoingMessage]
    /// After the messages are accepted, leave this group or room (a one-to-one service declines them).
    public var leave: Leave?

    public enum Leave: String, Sendable, Hashable, Codable {
        case group
        case room
    }

    public init(chatID: String, replyToken: String?, messages: [OutgoingMessage], leave: Leave? = nil) {
        self.chatID = chatID
        self.replyToken = replyToken
        self.messages = messages
        self.leave = leave
    }

    /// Sealed with AES-GCM, bound to the entry's id.
    public func sealed(with sealer: EventSealer, entryID: String) throws -> [UInt8] {
        try sealer.seal(JSONEncoder().encode(self), boundTo: entryID)
    }

    public static func open(_ sealed: [UInt8], with sealer: EventSealer, entryID: String) throws -> OutboxPayload {
        try JSONDecoder().decode(OutboxPayload.self, from: sealer.open(sealed, boundTo: entryID))
    }
}
