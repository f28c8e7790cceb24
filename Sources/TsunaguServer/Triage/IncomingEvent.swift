import LineMessaging
import TsunaguCore

/// A webhook event as triage sees it: the engine's event, where to answer, and what to remember of it.
struct IncomingEvent {
    var event: TriageEvent
    /// The user, group or room id to send to.
    var chatID: String
    var replyToken: String?
    /// LINE's id of her message, for an unsend to find it later.
    var messageID: String?
    /// Set for groups and rooms, which are declined and left.
    var leave: OutboxPayload.Leave?

    /// `nil` for events triage has nothing to do with (standby mode, beacons, the bot being removed, …).
    init?(_ webhook: WebhookEvent) {
        guard webhook.mode != "standby" else { return nil }
        self.replyToken = webhook.replyToken
        switch webhook.source {
        case .group(let groupID, _):
            guard Self.isFromMembers(webhook.payload) else { return nil }
            (event, chatID, leave) = (.fromGroup, groupID, .group)
        case .room(let roomID, _):
            guard Self.isFromMembers(webhook.payload) else { return nil }
            (event, chatID, leave) = (.fromGroup, roomID, .room)
        case .user(let userID):
            chatID = userID
            switch webhook.payload {
            case .message(let message), .messageEdited(let message):
                messageID = message.id
                switch message {
                case .text(_, let text, _, _): event = .text(text)
                case .sticker: event = .sticker
                case .image: event = .image
                case .location: event = .location
                default: event = .otherMedia
                }
            case .unsend(let id): event = .unsend(messageID: id)
            case .follow(let isUnblocked): event = .follow(unblocked: isUnblocked)
            case .unfollow: event = .unfollow
            case .postback(let data, _): event = .choice(data: data)
            default: return nil
            }
        case .unknown, nil:
            return nil
        }
    }

    /// Anything but the bot itself being removed (or members leaving) deserves the one-to-one notice.
    private static func isFromMembers(_ payload: WebhookEventPayload) -> Bool {
        switch payload {
        case .leave, .memberLeft, .unfollow: false
        default: true
        }
    }
}
