/// A count as published: the number; 「<k」 when it is too small to show without risking that someone is
/// recognised; or 「x」 (as in Japan's official statistics) when it is hidden only so that a small one cannot be
/// worked out from the total. Encoded as a JSON number, or as the string `"<5"` or `"x"`.
public enum PublishedCount: Sendable, Hashable, Codable, CustomStringConvertible {
    case count(Int)
    case suppressed(below: Int)
    case withheld

    public var description: String {
        switch self {
        case .count(let value): "\(value)"
        case .suppressed(let k): "<\(k)"
        case .withheld: "x"
        }
    }

    public var isHidden: Bool { value == nil }

    public var value: Int? {
        if case .count(let value) = self { return value }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .count(value)
        } else {
            let text = try container.decode(String.self)
            if text == "x" {
                self = .withheld
                return
            }
            guard text.hasPrefix("<"), let k = Int(text.dropFirst()) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "A published count is a number, \"<k\" or \"x\".")
            }
            self = .suppressed(below: k)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .count(let value): try container.encode(value)
        case .suppressed(let k): try container.encode("<\(k)")
        case .withheld: try container.encode("x")
        }
    }
}
