/// Where an event came from: a one-to-one chat, a group chat or a multi-person room.
///
/// Tsunagu is a one-to-one service; the kind matters because group and room sources are declined politely.
public enum WebhookSource: Sendable, Hashable {
    case user(userID: String)
    case group(groupID: String, userID: String?)
    case room(roomID: String, userID: String?)
    /// A source type LINE added after this code was written.
    case unknown(type: String)

    /// The identifier of the chat to answer in: the user, the group or the room.
    public var chatID: String? {
        switch self {
        case .user(let id), .group(let id, _), .room(let id, _): id
        case .unknown: nil
        }
    }
}

extension WebhookSource: Decodable {
    private enum CodingKeys: String, CodingKey { case type, userId, groupId, roomId }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        let userID = try container.decodeIfPresent(String.self, forKey: .userId)
        switch type {
        case "user":
            // A failed account-link event carries a user source without a userId.
            self = userID.map { .user(userID: $0) } ?? .unknown(type: type)
        case "group": self = .group(groupID: try container.decode(String.self, forKey: .groupId), userID: userID)
        case "room": self = .room(roomID: try container.decode(String.self, forKey: .roomId), userID: userID)
        default: self = .unknown(type: type)
        }
    }
}
