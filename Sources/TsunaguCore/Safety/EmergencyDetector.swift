/// Finds wording that means she may be in danger now: self-harm, suicide, violence, immediate danger.
///
/// Phrases and exclusions come from the conversation script, so the office can tune them without a
/// release. Both sides are folded by ``TextNormalizer``; exclusions (everyday idioms such as 「死ぬほど眠い」)
/// are cut out of the message before the phrases are looked for, so 「死ぬほどつらい、もう死にたい」 still
/// matches. It errs on the side of answering: a false alarm costs one kind message with phone numbers, a
/// miss may cost a life.
public struct EmergencyDetector: Sendable {
    public struct Category: Sendable, Hashable {
        /// A short label for alerts and metrics, e.g. `suicide`; never message text.
        public var name: String
        public var phrases: [String]

        public init(name: String, phrases: [String]) {
            self.name = name
            self.phrases = phrases
        }
    }

    // Folded phrases as UTF-8 bytes: matching bytes is matching scalars (UTF-8 is self-synchronising), and
    // far cheaper than comparing Swift `Character`s, which segments graphemes on every comparison. Measured:
    // with `String.contains`, matching ~200 phrases was most of the ingress's CPU time.
    private let categories: [(name: String, phrases: [[UInt8]])]
    private let exclusions: [[UInt8]]

    public init(categories: [Category], exclusions: [String]) {
        func folded(_ phrases: [String]) -> [[UInt8]] {
            phrases.map { Array(TextNormalizer.normalize($0).utf8) }.filter { !$0.isEmpty }
        }
        self.categories = categories.map { ($0.name, folded($0.phrases)) }
        // Longest first, so an exclusion that contains another is cut out whole.
        self.exclusions = folded(exclusions).sorted { $0.count > $1.count }
    }

    /// The first category whose phrase the text contains, or `nil`.
    public func category(of text: String) -> String? {
        var folded = Array(TextNormalizer.normalize(text).utf8)
        for exclusion in exclusions {
            while let range = Self.firstRange(of: exclusion, in: folded) {
                folded.replaceSubrange(range, with: [UInt8(ascii: "|")])
            }
        }
        for category in categories where category.phrases.contains(where: { Self.firstRange(of: $0, in: folded) != nil }) {
            return category.name
        }
        return nil
    }

    private static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var start = 0
        while start <= haystack.count - needle.count {
            if haystack[start] == first {
                var offset = 1
                while offset < needle.count && haystack[start + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return start..<(start + needle.count) }
            }
            start += 1
        }
        return nil
    }
}
