/// Checks request bodies the way the Messaging API does, returning LINE-style error details
/// (`{"message", "property"}`), so that a client that passes the sandbox passes LINE.
enum MessageValidator {
    struct Detail: Encodable, Equatable {
        var message: String
        var property: String
    }

    static let knownMessageTypes: Set<String> = [
        "text", "textV2", "sticker", "image", "video", "audio", "location", "imagemap", "template", "flex",
    ]
    static let quickReplyActionTypes: Set<String> = [
        "postback", "message", "uri", "datetimepicker", "camera", "cameraRoll", "location", "clipboard",
    ]

    /// Problems with a `messages` array (1 to 5 message objects).
    static func messages(_ value: Any?) -> [Detail] {
        guard let messages = value as? [Any] else { return [Detail(message: "Must be an array", property: "messages")] }
        guard (1...5).contains(messages.count) else {
            return [Detail(message: "Size must be between 1 and 5", property: "messages")]
        }
        return messages.enumerated().flatMap { index, message in self.message(message, at: "messages[\(index)]") }
    }

    private static func message(_ value: Any, at path: String) -> [Detail] {
        guard let message = value as? [String: Any], let type = message["type"] as? String else {
            return [Detail(message: "Must be a message object with a type", property: path)]
        }
        guard knownMessageTypes.contains(type) else { return [Detail(message: "Invalid message type", property: "\(path).type")] }
        var details: [Detail] = []
        if type == "text" {
            if let text = message["text"] as? String {
                if text.isEmpty || text.utf16.count > 5000 {
                    details.append(Detail(message: "Length must be between 1 and 5000", property: "\(path).text"))
                }
            } else {
                details.append(Detail(message: "May not be empty", property: "\(path).text"))
            }
        }
        if let quickReply = message["quickReply"] {
            details += self.quickReply(quickReply, at: "\(path).quickReply")
        }
        return details
    }

    private static func quickReply(_ value: Any, at path: String) -> [Detail] {
        guard let quickReply = value as? [String: Any], let items = quickReply["items"] as? [Any] else {
            return [Detail(message: "Must have items", property: "\(path).items")]
        }
        guard items.count <= 13 else { return [Detail(message: "Size must be between 0 and 13", property: "\(path).items")] }
        return items.enumerated().flatMap { index, item -> [Detail] in
            let itemPath = "\(path).items[\(index)]"
            guard let item = item as? [String: Any], item["type"] as? String ?? "action" == "action",
                let action = item["action"] as? [String: Any], let type = action["type"] as? String,
                quickReplyActionTypes.contains(type)
            else { return [Detail(message: "Invalid quick reply item", property: itemPath)] }
            var details: [Detail] = []
            let label = action["label"] as? String ?? ""
            if label.isEmpty || label.count > 20 {
                details.append(Detail(message: "Length must be between 1 and 20", property: "\(itemPath).action.label"))
            }
            if type == "postback" {
                if let data = action["data"] as? String {
                    if data.count > 300 {
                        details.append(Detail(message: "Length must be between 0 and 300", property: "\(itemPath).action.data"))
                    }
                } else {
                    details.append(Detail(message: "May not be empty", property: "\(itemPath).action.data"))
                }
                if let displayText = action["displayText"] as? String, displayText.isEmpty || displayText.count > 300 {
                    details.append(Detail(message: "Length must be between 1 and 300", property: "\(itemPath).action.displayText"))
                }
            }
            if type == "message" {
                let text = action["text"] as? String ?? ""
                if text.isEmpty || text.count > 300 {
                    details.append(Detail(message: "Length must be between 1 and 300", property: "\(itemPath).action.text"))
                }
            }
            return details
        }
    }
}
