/// One entry of the safety lexicon, compiled: a sequence of words to find among her message's morphemes, or
/// (written `~…`) a string to find in her folded message.
///
/// Words are compared in their folded form (``TextNormalizer``) against each morpheme's lemma and its surface, so
/// `死ぬ たい` finds 死にたい, しにたい, 死にてぇ (MeCab: 死ぬ + たい) and 死にたくて; consecutive words may have up to
/// ``maximumGap`` morphemes between them, so `首 締める` finds 首を絞められた. A string pattern is for what a
/// dictionary does not split well: slang (`~りすか`), spaced or stretched spellings, run-together kana.
public struct SafetyPattern: Sendable, Hashable {
    enum Form: Sendable, Hashable {
        /// Folded words, as UTF-8 bytes (compared as bytes: see ``AnalysedMessage/Word``).
        case words([[UInt8]])
        case text([UInt8])
    }

    let form: Form

    /// Morphemes allowed between two consecutive words of a pattern.
    static let maximumGap = 2

    /// `nil` when the entry folds to nothing.
    public init?(_ entry: String) {
        if entry.hasPrefix("~") {
            let folded = Array(TextNormalizer.normalize(String(entry.dropFirst())).utf8)
            guard !folded.isEmpty else { return nil }
            form = .text(folded)
        } else {
            let words = entry.split(separator: " ").map { Array(TextNormalizer.normalize(String($0)).utf8) }.filter { !$0.isEmpty }
            guard !words.isEmpty else { return nil }
            form = .words(words)
        }
    }

    /// Where the pattern is found: the morpheme range for words (the index of the last morpheme matched, for the
    /// negation check), or nothing but a hit for text. This is the definition; the detector finds all its patterns
    /// at once with ``PatternIndex``, which must agree with it.
    func match(in message: AnalysedMessage) -> Match? {
        switch form {
        case .text(let needle):
            if let range = message.wordBytes.firstRange(of: needle), let word = message.word(endingAtOrAfter: range.upperBound) {
                return Match(end: word)
            }
            return message.foldedBytes.firstRange(of: needle) != nil ? Match(end: nil) : nil
        case .words(let words):
            var start = 0
            while start < message.words.count {
                if message.words[start].matches(words[0]), let end = Self.rest(words.dropFirst(), in: message, after: start) {
                    return Match(end: end)
                }
                start += 1
            }
            return nil
        }
    }

    struct Match: Equatable {
        /// The last morpheme of the match; `nil` for text found only in the folded message.
        var end: Int?
    }

    /// Where the rest of a word pattern (`words`, after its first) ends when its first word is the morpheme at
    /// `index`; `nil` when it does not follow.
    static func rest(_ words: ArraySlice<[UInt8]>, in message: AnalysedMessage, after index: Int) -> Int? {
        guard let word = words.first else { return index }
        let last = min(message.words.count - 1, index + 1 + maximumGap)
        guard index + 1 <= last else { return nil }
        for next in (index + 1)...last where message.words[next].matches(word) {
            if let end = rest(words.dropFirst(), in: message, after: next) { return end }
        }
        return nil
    }
}

extension Array where Element == UInt8 {
    /// The first range where `needle` occurs (bytes of UTF-8, which is self-synchronising, so a byte match is a
    /// scalar match, and far cheaper than comparing `Character`s).
    func firstRange(of needle: [UInt8]) -> Range<Int>? {
        guard let first = needle.first, count >= needle.count else { return nil }
        var start = 0
        while start <= count - needle.count {
            if self[start] == first {
                var offset = 1
                while offset < needle.count && self[start + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return start..<(start + needle.count) }
            }
            start += 1
        }
        return nil
    }
}
