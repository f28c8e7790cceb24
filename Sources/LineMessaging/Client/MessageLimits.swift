/// LINE's limits on what one call may send, enforced before sending so that LINE never has to refuse.
///
/// From the Messaging API reference: at most 5 messages a call; text at most 5,000 UTF-16 code units;
/// at most 13 quick-reply buttons, each label at most 20 characters; postback data at most 300 characters,
/// and a message action's text or a postback's display text at most 300.
public enum MessageLimits {
    public static let messagesPerCall = 5
    public static let textUTF16Units = 5000
    public static let quickReplyButtons = 13
    public static let labelCharacters = 20
    public static let postbackDataCharacters = 300
    public static let actionTextCharacters = 300

    /// Splits every text longer than LINE allows into several messages, at sentence boundaries where it
    /// can (。！？!? or a line break), and checks every other limit. Buttons stay on the last piece.
    ///
    /// - Throws: ``LineClientError/limits(_:)`` naming the first limit a message breaks.
    public static func prepare(_ messages: [OutgoingMessage]) throws(LineClientError) -> [OutgoingMessage] {
        var prepared: [OutgoingMessage] = []
        for message in messages {
            try check(message.quickReply)
            guard !message.text.isEmpty else { throw .limits("A message has no text.") }
            let pieces = split(message.text)
            for (index, piece) in pieces.enumerated() {
                prepared.append(OutgoingMessage(text: piece, quickReply: index == pieces.count - 1 ? message.quickReply : []))
            }
        }
        return prepared
    }

    /// Checks that one call's messages fit a call: between one and five, each within the limits.
    static func checkCall(_ messages: [OutgoingMessage]) throws(LineClientError) {
        guard !messages.isEmpty else { throw .limits("A call must send at least one message.") }
        guard messages.count <= messagesPerCall else {
            throw .limits("A call can send at most \(messagesPerCall) messages, not \(messages.count).")
        }
        for message in messages {
            guard !message.text.isEmpty, message.text.utf16.count <= textUTF16Units else {
                throw .limits("A message's text must be 1 to \(textUTF16Units) UTF-16 units long.")
            }
            try check(message.quickReply)
        }
    }

    private static func check(_ buttons: [QuickReplyButton]) throws(LineClientError) {
        guard buttons.count <= quickReplyButtons else {
            throw .limits("A message can have at most \(quickReplyButtons) quick-reply buttons, not \(buttons.count).")
        }
        for button in buttons {
            guard !button.label.isEmpty, button.label.count <= labelCharacters else {
                throw .limits("A quick-reply label must be 1 to \(labelCharacters) characters long.")
            }
            switch button.action {
            case .postback(let data, let displayText):
                guard data.count <= postbackDataCharacters else {
                    throw .limits("Postback data can be at most \(postbackDataCharacters) characters long.")
                }
                if let displayText, displayText.isEmpty || displayText.count > actionTextCharacters {
                    throw .limits("A postback's display text must be 1 to \(actionTextCharacters) characters long.")
                }
            case .message(let text):
                guard !text.isEmpty, text.count <= actionTextCharacters else {
                    throw .limits("A message action's text must be 1 to \(actionTextCharacters) characters long.")
                }
            }
        }
    }

    /// Pieces of at most ``textUTF16Units`` each, cut after the last sentence end that fits, else after the
    /// last whole character that fits. Never cuts inside a character (or a surrogate pair).
    static func split(_ text: String) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while rest.utf16.count > textUTF16Units {
            var units = 0
            var lastFit = rest.startIndex
            var lastSentenceEnd: String.Index?
            for index in rest.indices {
                let character = rest[index]
                units += character.utf16.count
                guard units <= textUTF16Units else { break }
                lastFit = rest.index(after: index)
                if "。！？!?\n".contains(character) { lastSentenceEnd = lastFit }
            }
            let cut = lastSentenceEnd ?? lastFit
            pieces.append(String(rest[..<cut]))
            rest = rest[cut...].drop { $0 == "\n" || $0 == " " }
        }
        if !rest.isEmpty { pieces.append(String(rest)) }
        return pieces
    }
}
