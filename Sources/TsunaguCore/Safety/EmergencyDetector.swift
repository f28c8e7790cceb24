/// Finds wording that means she may be in danger now: self-harm, suicide, violence, immediate danger.
///
/// Phrases and exclusions come from the conversation script, so the office can tune them without a
/// release. Both sides are folded by ``TextNormalizer``; exclusions (everyday idioms such as 「死ぬほど眠い」)
/// are cut out of the message before the phrases are looked for, so 「死ぬほどつらい、もう死にたい」 still
/// matches. It errs on the side of answering: a false alarm costs one kind message with phone numbers, a
/// miss may cost a life.
public struct EmergencyDetector: Sendable, Hashable {
    public struct Category: Sendable, Hashable {
        /// A short label for alerts and metrics, e.g. `suicide`; never message text.
        public var name: String
        public var phrases: [String]

        public init(name: String, phrases: [String]) {
            self.name = name
            self.phrases = phrases
        }
    }

    private let categories: [(name: String, phrases: [String])]
    private let exclusions: [String]

    public init(categories: [Category], exclusions: [String]) {
        self.categories = categories.map { category in
            (category.name, category.phrases.map(TextNormalizer.normalize).filter { !$0.isEmpty })
        }
        // Longest first, so an exclusion that contains another is cut out whole.
        self.exclusions = exclusions.map(TextNormalizer.normalize).filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }

    /// The first category whose phrase the text contains, or `nil`.
    public func category(of text: String) -> String? {
        var folded = TextNormalizer.normalize(text)
        for exclusion in exclusions where folded.contains(exclusion) {
            folded = folded.replacing(exclusion, with: "|")
        }
        for category in categories where category.phrases.contains(where: { folded.contains($0) }) {
            return category.name
        }
        return nil
    }

    public static func == (lhs: EmergencyDetector, rhs: EmergencyDetector) -> Bool {
        lhs.exclusions == rhs.exclusions && lhs.categories.elementsEqual(rhs.categories) { $0 == $1 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(exclusions)
        for category in categories {
            hasher.combine(category.name)
            hasher.combine(category.phrases)
        }
    }
}
