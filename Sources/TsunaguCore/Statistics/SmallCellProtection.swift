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

/// Suppresses small cells before anything is published: every count from 1 to k−1 is shown as 「<k」 (primary
/// suppression), and in every table where that leaves a single hidden cell, the next smallest cell is shown as
/// 「x」 (complementary suppression), so that no hidden cell can be worked out from the total. Zero is shown: it
/// singles no one out. Times resting on fewer than k people are not shown.
public struct SmallCellProtection: Sendable, Hashable {
    public let k: Int

    public init(k: Int = 5) { self.k = max(2, k) }

    public func scalar(_ value: Int) -> PublishedCount {
        value > 0 && value < k ? .suppressed(below: k) : .count(value)
    }

    /// A table whose total is known (or may become known): primary, then complementary suppression.
    public func table(_ cells: [String: Int]) -> [String: PublishedCount] {
        table(cells.map { ($0.key, $0.value) }).reduce(into: [:]) { $0[$1.0] = $1.1 }
    }

    /// The same for cells in an order (the heatmap's hours).
    public func table<Key>(_ cells: [(Key, Int)]) -> [(Key, PublishedCount)] {
        var published = cells.map { ($0.0, scalar($0.1)) }
        let hidden = published.indices.filter { published[$0].1.isHidden }
        if hidden.count == 1 {
            // The smallest other non-zero cell; ties go to the first, so the choice is the same every time.
            let candidates = cells.indices.filter { $0 != hidden[0] && cells[$0].1 > 0 }
            if let partner = candidates.min(by: { cells[$0].1 < cells[$1].1 }) {
                published[partner].1 = .withheld
            }
        }
        return published
    }

    public func percentiles(_ value: Percentiles?) -> Percentiles? {
        guard let value, value.count >= k else { return nil }
        return value
    }
}
