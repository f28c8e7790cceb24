/// The content of a `message` (or `messageEdited`) event, one case per message type of `webhook.yml`.
///
/// Every message has an `id`, an opaque string (never parse it as a number).
public enum WebhookMessage: Sendable, Hashable {
    case text(id: String, text: String, quoteToken: String?, markAsReadToken: String?)
    case image(id: String, contentProvider: ContentProvider?, imageSet: ImageSet?)
    case video(id: String, durationMilliseconds: Int64?, contentProvider: ContentProvider?)
    case audio(id: String, durationMilliseconds: Int64?, contentProvider: ContentProvider?)
    case file(id: String, fileName: String, fileSize: Int64)
    case location(id: String, title: String?, address: String?, latitude: Double, longitude: Double)
    case sticker(id: String, packageID: String, stickerID: String, resourceType: String?, keywords: [String], text: String?)
    /// A message type LINE added after this code was written; its fields live in the event's raw JSON.
    case unknown(id: String?, type: String)

    /// The message id LINE assigned.
    public var id: String? {
        switch self {
        case .text(let id, _, _, _), .image(let id, _, _), .video(let id, _, _), .audio(let id, _, _),
            .file(let id, _, _), .location(let id, _, _, _, _), .sticker(let id, _, _, _, _, _):
            id
        case .unknown(let id, _): id
        }
    }

    /// Who hosts a media file: LINE itself, or an external URL.
    public struct ContentProvider: Sendable, Hashable, Decodable {
        public var type: String
        public var originalContentUrl: String?
        public var previewImageUrl: String?
    }

    /// Position of an image within a multi-image send; such images arrive as separate events in any order.
    public struct ImageSet: Sendable, Hashable, Decodable {
        public var id: String
        public var index: Int?
        public var total: Int?
    }
}

extension WebhookMessage: Decodable {
    private enum CodingKeys: String, CodingKey {
        case id, type, text, quoteToken, markAsReadToken, contentProvider, imageSet, duration, fileName, fileSize
        case title, address, latitude, longitude, packageId, stickerId, stickerResourceType, keywords
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        let id = try c.decodeIfPresent(String.self, forKey: .id)
        func requiredID() throws -> String { try c.decode(String.self, forKey: .id) }
        switch type {
        case "text":
            self = .text(
                id: try requiredID(), text: try c.decode(String.self, forKey: .text),
                quoteToken: try c.decodeIfPresent(String.self, forKey: .quoteToken),
                markAsReadToken: try c.decodeIfPresent(String.self, forKey: .markAsReadToken))
        case "image":
            self = .image(
                id: try requiredID(), contentProvider: try c.decodeIfPresent(ContentProvider.self, forKey: .contentProvider),
                imageSet: try c.decodeIfPresent(ImageSet.self, forKey: .imageSet))
        case "video":
            self = .video(
                id: try requiredID(), durationMilliseconds: try c.decodeIfPresent(Int64.self, forKey: .duration),
                contentProvider: try c.decodeIfPresent(ContentProvider.self, forKey: .contentProvider))
        case "audio":
            self = .audio(
                id: try requiredID(), durationMilliseconds: try c.decodeIfPresent(Int64.self, forKey: .duration),
                contentProvider: try c.decodeIfPresent(ContentProvider.self, forKey: .contentProvider))
        case "file":
            self = .file(
                id: try requiredID(), fileName: try c.decode(String.self, forKey: .fileName),
                fileSize: try c.decode(Int64.self, forKey: .fileSize))
        case "location":
            self = .location(
                id: try requiredID(), title: try c.decodeIfPresent(String.self, forKey: .title),
                address: try c.decodeIfPresent(String.self, forKey: .address),
                latitude: try c.decode(Double.self, forKey: .latitude), longitude: try c.decode(Double.self, forKey: .longitude))
        case "sticker":
            self = .sticker(
                id: try requiredID(), packageID: try c.decode(String.self, forKey: .packageId),
                stickerID: try c.decode(String.self, forKey: .stickerId),
                resourceType: try c.decodeIfPresent(String.self, forKey: .stickerResourceType),
                keywords: try c.decodeIfPresent([String].self, forKey: .keywords) ?? [],
                text: try c.decodeIfPresent(String.self, forKey: .text))
        default:
            self = .unknown(id: id, type: type)
        }
    }
}
