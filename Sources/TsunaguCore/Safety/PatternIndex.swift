/// The lexicon's patterns, compiled together so that her message is read once for all of them.
///
/// Why: matched one by one, every word pattern scanned all her morphemes for its first word and every `~text`
/// pattern scanned her text, so a message cost the number of patterns times its length, a long one (LINE allows
/// 5,000 characters) most of all: the rules were a fifth of the answering path's CPU for a message of 900
/// characters. Here each morpheme's lemma and surface are looked up once among the patterns' first words, and only
/// the patterns that start there are followed further; the text patterns are found together, in one pass over each
/// text they are looked for in (``NeedleAutomaton``). A pattern is found exactly where ``SafetyPattern/match(in:)`` finds it: the first
/// place, in her order, where it stands (a test holds the two to each other).
struct PatternIndex: Sendable {
    let patterns: [SafetyPattern]
    /// Each first word's entry in ``starting``.
    private var firstWords = FeatureTable()
    /// The ids of the word patterns that begin with each first word, in the order they were given.
    private var starting: [[Int]] = []
    /// The ids of the `~text` patterns, and their bytes in one automaton (needle `n` is pattern `texts[n]`).
    private var texts: [Int] = []
    private let needles: NeedleAutomaton

    /// - Parameter patterns: their positions are the ids ``matches(in:)`` reports them by.
    init(_ patterns: [SafetyPattern]) {
        self.patterns = patterns
        var needles: [[UInt8]] = []
        for (id, pattern) in patterns.enumerated() {
            switch pattern.form {
            case .text(let bytes):
                texts.append(id)
                needles.append(bytes)
            case .words(let words):
                if let entry = firstWords.value(of: words[0]) {
                    starting[entry].append(id)
                } else {
                    firstWords.set(words[0], to: starting.count)
                    starting.append([id])
                }
            }
        }
        self.needles = NeedleAutomaton(needles)
    }

    /// Where each pattern is found in `message`, by id (`nil`: not found).
    func matches(in message: AnalysedMessage) -> [SafetyPattern.Match?] {
        var found = [SafetyPattern.Match?](repeating: nil, count: patterns.count)
        findTexts(in: message, into: &found)
        for (index, word) in message.words.enumerated() {
            follow(word.lemmaBytes, at: index, in: message, into: &found)
            if word.surfaceBytes != word.lemmaBytes { follow(word.surfaceBytes, at: index, in: message, into: &found) }
        }
        return found
    }

    /// A text pattern is placed at the word where it ends when it lies in her words run together, and is otherwise
    /// only found (or not) in her folded text, as ``SafetyPattern/match(in:)`` does.
    private func findTexts(in message: AnalysedMessage, into found: inout [SafetyPattern.Match?]) {
        guard !texts.isEmpty else { return }
        let inWords = needles.firstRanges(in: message.wordBytes)
        var inFolded: [Range<Int>?]?
        for (needle, id) in texts.enumerated() {
            if let range = inWords[needle], let word = message.word(endingAtOrAfter: range.upperBound) {
                found[id] = SafetyPattern.Match(end: word)
                continue
            }
            if inFolded == nil { inFolded = needles.firstRanges(in: message.foldedBytes) }
            if inFolded?[needle] != nil { found[id] = SafetyPattern.Match(end: nil) }
        }
    }

    /// Follows the patterns whose first word is `word`, standing at morpheme `index`, unless found earlier.
    private func follow(_ word: [UInt8], at index: Int, in message: AnalysedMessage, into found: inout [SafetyPattern.Match?]) {
        guard let entry = firstWords.value(of: word) else { return }
        for id in starting[entry] where found[id] == nil {
            guard case .words(let words) = patterns[id].form, let end = SafetyPattern.rest(words.dropFirst(), in: message, after: index)
            else { continue }
            found[id] = SafetyPattern.Match(end: end)
        }
    }
}
