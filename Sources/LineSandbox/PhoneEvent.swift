public import Foundation
public import LineMessaging

/// Something a simulated person does on her phone, as the webhook event LINE would send for it.
///
/// The sandbox builds these for tests, for `line-sandbox send-text` and for the practice phone, with ids
/// shaped like LINE's and reply tokens the sandbox itself will honour.
public enum PhoneEvent: Sendable, Hashable {
    case text(String)
    /// She tapped a quick reply with this postback data.
    case postback(String)
    case sticker
    case image
    /// A voice message.
    case audio
    /// She shared a location.
    case location
    /// She added the account (or unblocked it).
    case follow(unblocked: Bool)
    case unfollow
    /// She took back her message with this LINE message id.
    case unsend(messageID: String)
    /// A text written in a group the bot was invited to.
    case groupText(groupID: String, String)
}

extension LineSandbox {
    /// The webhook event for `action` by `userID` at `date`, first delivered then (so the reply token of an
    /// event dated a minute ago has already expired: see ``redelivery(of:)`` for LINE's second try); its LINE
    /// message id (for text, sticker and image) is in `message.id`, for an unsend to refer to. `date` is now unless
    /// given.
    public func event(_ action: PhoneEvent, from userID: String, at date: Date? = nil) -> JSONValue {
        let date = date ?? configuration.now()
        let timestamp = Int64(date.timeIntervalSince1970 * 1000)
        var fields: [String: JSONValue] = [
            "mode": .string("active"), "timestamp": .integer(timestamp),
            "source": .object(["type": .string("user"), "userId": .string(userID)]),
            "webhookEventId": .string(Self.eventID(at: date)), "deliveryContext": .object(["isRedelivery": .bool(false)]),
        ]
        let messageID = String(UInt64.random(in: 100_000_000_000_000_000...999_999_999_999_999_999))
        func withReplyToken(for chatID: String) { fields["replyToken"] = .string(issueReplyToken(for: chatID, eventAt: date)) }
        switch action {
        case .text(let text):
            fields["type"] = .string("message")
            fields["message"] = .object([
                "id": .string(messageID), "type": .string("text"), "text": .string(text),
                "quoteToken": .string("q" + messageID), "markAsReadToken": .string("r" + messageID),
            ])
            withReplyToken(for: userID)
        case .postback(let data):
            fields["type"] = .string("postback")
            fields["postback"] = .object(["data": .string(data)])
            withReplyToken(for: userID)
        case .sticker:
            fields["type"] = .string("message")
            fields["message"] = .object([
                "id": .string(messageID), "type": .string("sticker"), "packageId": .string("446"), "stickerId": .string("1988"),
                "stickerResourceType": .string("STATIC"), "quoteToken": .string("q" + messageID),
            ])
            withReplyToken(for: userID)
        case .image:
            fields["type"] = .string("message")
            fields["message"] = .object([
                "id": .string(messageID), "type": .string("image"), "quoteToken": .string("q" + messageID),
                "contentProvider": .object(["type": .string("line")]),
            ])
            withReplyToken(for: userID)
        case .audio:
            fields["type"] = .string("message")
            fields["message"] = .object([
                "id": .string(messageID), "type": .string("audio"), "duration": .integer(6_000),
                "contentProvider": .object(["type": .string("line")]),
            ])
            withReplyToken(for: userID)
        case .location:
            fields["type"] = .string("message")
            fields["message"] = .object([
                "id": .string(messageID), "type": .string("location"), "title": .string("現在地"), "address": .string("日本"),
                "latitude": .number(35.0), "longitude": .number(135.0),
            ])
            withReplyToken(for: userID)
        case .follow(let unblocked):
            fields["type"] = .string("follow")
            fields["follow"] = .object(["isUnblocked": .bool(unblocked)])
            withReplyToken(for: userID)
        case .unfollow:
            fields["type"] = .string("unfollow")
        case .unsend(let id):
            fields["type"] = .string("unsend")
            fields["unsend"] = .object(["messageId": .string(id)])
        case .groupText(let groupID, let text):
            fields["type"] = .string("message")
            fields["source"] = .object(["type": .string("group"), "groupId": .string(groupID), "userId": .string(userID)])
            fields["message"] = .object([
                "id": .string(messageID), "type": .string("text"), "text": .string(text), "quoteToken": .string("q" + messageID),
            ])
            withReplyToken(for: groupID)
        }
        return .object(fields)
    }
}
