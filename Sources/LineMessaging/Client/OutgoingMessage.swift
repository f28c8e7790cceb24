/// A message Tsunagu sends: text, optionally with quick-reply buttons.
///
/// Its `Codable` form is LINE's own wire format (a `TextMessage` of the Messaging API), so the same value is
/// what the outbox stores and what the client sends.
public struct OutgoingMessage: Sendable, Hashable {
    public var text: String
    /// Shown under the message (LINE shows only the last message's buttons when several arrive at once).
    public var quickReply: [QuickReplyButton]

    public init(text: String, quickReply: [QuickReplyButton] = []) {
        self.text = text
        self.quickReply = quickReply
    }
}

/// A quick-reply button: a label and what tapping it does.
public struct QuickReplyButton: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        /// Sends `data` back as a postback event; `displayText`, if any, appears as her message.
        case postback(data: String, displayText: String?)
        /// Sends `text` as if she had typed it.
        case message(text: String)
    }

    public var label: String
    public var action: Action

    public init(label: String, action: Action) {
        self.label = label
        self.action = action
    }
}

extension OutgoingMessage: Codable {
    private enum CodingKeys: String, CodingKey { case type, text, quickReply }
    private struct QuickReply: Codable { var items: [QuickReplyButton] }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("text", forKey: .type)
        try container.encode(text, forKey: .text)
        if !quickReply.isEmpty { try container.encode(QuickReply(items: quickReply), forKey: .quickReply) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decode(String.self, forKey: .text)
        quickReply = try container.decodeIfPresent(QuickReply.self, forKey: .quickReply)?.items ?? []
    }
}

extension QuickReplyButton: Codable {
    private enum ItemKeys: String, CodingKey { case type, action }
    private enum ActionKeys: String, CodingKey { case type, label, data, displayText, text }

    public func encode(to encoder: any Encoder) throws {
        var item = encoder.container(keyedBy: ItemKeys.self)
        try item.encode("action", forKey: .type)
        var action = item.nestedContainer(keyedBy: ActionKeys.self, forKey: .action)
        try action.encode(label, forKey: .label)
        switch self.action {
        case .postback(let data, let displayText):
            try action.encode("postback", forKey: .type)
            try action.encode(data, forKey: .data)
            try action.encodeIfPresent(displayText, forKey: .displayText)
        case .message(let text):
            try action.encode("message", forKey: .type)
            try action.encode(text, forKey: .text)
        }
    }

    public init(from decoder: any Decoder) throws {
        let item = try decoder.container(keyedBy: ItemKeys.self)
        let action = try item.nestedContainer(keyedBy: ActionKeys.self, forKey: .action)
        label = try action.decode(String.self, forKey: .label)
        switch try action.decode(String.self, forKey: .type) {
        case "postback":
            self.action = .postback(
                data: try action.decode(String.self, forKey: .data),
                displayText: try action.decodeIfPresent(String.self, forKey: .displayText))
        default:
            self.action = .message(text: try action.decode(String.self, forKey: .text))
        }
    }
}
