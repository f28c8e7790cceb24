public import Foundation

/// A rich menu as `POST /v2/bot/richmenu` takes it: the image's size, the chat bar's text and the tappable areas,
/// each a postback. ``validate()`` applies LINE's rules before anything is sent.
public struct RichMenu: Sendable, Hashable, Codable {
    public struct Size: Sendable, Hashable, Codable {
        public var width: Int
        public var height: Int
    }

    public struct Bounds: Sendable, Hashable, Codable {
        public var x: Int, y: Int, width: Int, height: Int
    }

    public struct Action: Sendable, Hashable, Codable {
        public var type = "postback"
        public var label: String?
        public var data: String
        public var displayText: String?
    }

    public struct Area: Sendable, Hashable, Codable {
        public var bounds: Bounds
        public var action: Action

        public init(x: Int, y: Int, width: Int, height: Int, label: String, data: String, displayText: String) {
            bounds = Bounds(x: x, y: y, width: width, height: height)
            action = Action(label: label, data: data, displayText: displayText)
        }
    }

    public var size: Size
    public var selected: Bool
    public var name: String
    public var chatBarText: String
    public var areas: [Area]

    public init(width: Int, height: Int, selected: Bool = true, name: String, chatBarText: String, areas: [Area]) {
        size = Size(width: width, height: height)
        self.selected = selected
        self.name = name
        self.chatBarText = chatBarText
        self.areas = areas
    }

    /// The first of LINE's rules this menu breaks, as a sentence; `nil` when it keeps them all: 800-2500 pixels
    /// wide, at least 250 high, a width at least 1.45 times the height, a name of at most 300 characters, a chat
    /// bar text of 1-14, 1-20 areas inside the image, postback data and display text of at most 300 characters,
    /// labels of at most 20.
    public func validate() -> String? {
        guard (800...2500).contains(size.width), size.height >= 250 else {
            return "A rich menu image is 800 to 2500 pixels wide and at least 250 high."
        }
        guard Double(size.width) / Double(size.height) >= 1.45 else { return "A rich menu image is at least 1.45 times as wide as it is high." }
        guard !name.isEmpty, name.count <= 300 else { return "A rich menu's name is 1 to 300 characters." }
        guard (1...14).contains(chatBarText.count) else { return "A rich menu's chat bar text is 1 to 14 characters." }
        guard (1...20).contains(areas.count) else { return "A rich menu has 1 to 20 areas." }
        for area in areas {
            let b = area.bounds
            guard b.x >= 0, b.y >= 0, b.width > 0, b.height > 0, b.x + b.width <= size.width, b.y + b.height <= size.height else {
                return "Every rich menu area lies inside the image."
            }
            guard area.action.type == "postback", (1...300).contains(area.action.data.utf16.count) else {
                return "A rich menu area's postback data is 1 to 300 characters."
            }
            guard (area.action.displayText?.count ?? 0) <= 300, (area.action.label?.count ?? 0) <= 20 else {
                return "A rich menu area's display text is at most 300 characters and its label at most 20."
            }
        }
        return nil
    }

    /// The width and height of a PNG (from its header), or `nil` if `data` is not a PNG.
    public static func pngSize(_ data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count == 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), bytes[12...15] == [0x49, 0x48, 0x44, 0x52]
        else {
            return nil
        }
        func int(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (int(16), int(20))
    }

    /// LINE's largest rich menu image: 1 MB.
    public static let maxImageBytes = 1_000_000
}
