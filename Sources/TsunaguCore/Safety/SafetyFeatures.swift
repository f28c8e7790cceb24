/// The sparse 0/1 features the learned model sees: the same function makes them for training (through
/// `tsunagu-safety features`) and at run time, so the two cannot drift apart.
///
/// - `c:` character bigrams and trigrams of the folded message (spellings, slang, words MeCab splits oddly);
/// - `l:` lemmas and `b:` lemma bigrams (死ぬ|たい, 殴る|れる), so inflections share weight;
/// - `e:` emoji, `q` for a question mark, `n:` the message's length (in five bands);
/// - `r:` what the rules found (a category and tier, a negation, immediacy, exposure, distance, an idiom), so
///   the model learns how far to trust each.
enum SafetyFeatures {
    static func make(_ message: AnalysedMessage, findings: RuleFindings) -> Set<SafetyFeature> {
        var features = Set<SafetyFeature>(minimumCapacity: 2 * message.foldedBytes.count + 16)
        // Characters (grapheme clusters), as UTF-8 offsets into the folded bytes: n-grams are byte slices, so
        // no `String` is made or hashed per n-gram.
        let folded = message.folded
        var bounds = [0]
        bounds.reserveCapacity(message.foldedBytes.count + 1)
        var index = folded.startIndex
        while index < folded.endIndex {
            index = folded.index(after: index)
            bounds.append(folded.utf8.distance(from: folded.startIndex, to: index))
        }
        let characters = bounds.count - 1
        for size in 2...3 where characters >= size {
            for start in 0...(characters - size) {
                features.insert(SafetyFeature("c:", message.foldedBytes[bounds[start]..<bounds[start + size]]))
            }
        }
        if characters == 1 { features.insert(SafetyFeature("c:", message.foldedBytes[...])) }
        for (index, word) in message.words.enumerated() {
            features.insert(SafetyFeature("l:", word.lemmaBytes[...]))
            if index + 1 < message.words.count {
                features.insert(SafetyFeature("b:", word.lemmaBytes + [UInt8(ascii: "|")] + message.words[index + 1].lemmaBytes))
            }
        }
        for scalar in message.emoji { features.insert(SafetyFeature("e:" + String(scalar))) }
        if message.asks { features.insert(SafetyFeature("q")) }
        // How much she wrote: a short message carries little evidence, and the model learns how far to trust it.
        features.insert(SafetyFeature("n:" + String([4, 8, 16, 32, 64].firstIndex { characters <= $0 } ?? 5)))
        for hit in findings.hits {
            features.insert(SafetyFeature("r:\(hit.category):\(hit.tier)"))
            if hit.negated { features.insert(SafetyFeature("r:negated")) }
            if hit.inIdiom { features.insert(SafetyFeature("r:idiom")) }
        }
        for category in findings.threats { features.insert(SafetyFeature("r:threat:\(category)")) }
        if findings.threatsInIdiom { features.insert(SafetyFeature("r:idiom")) }
        if findings.immediate { features.insert(SafetyFeature("r:immediacy")) }
        if findings.pleads { features.insert(SafetyFeature("r:plea")) }
        if findings.exposed { features.insert(SafetyFeature("r:exposure")) }
        if findings.habitual { features.insert(SafetyFeature("r:habitual")) }
        for kind in findings.distance { features.insert(SafetyFeature("r:distance:\(kind)")) }
        return features
    }
}

/// One feature's name as UTF-8 bytes, compared and hashed as bytes.
///
/// Why not `String`: a `String` hashes and compares by canonical equivalence, which normalises Japanese text on
/// every insert and lookup; that was most of the model's cost. Bytes are equivalent here, because both sides
/// come from the same folding (``TextNormalizer``) and MeCab's dictionary, and the model file holds exactly the
/// bytes `tsunagu-safety features` printed.
public struct SafetyFeature: Hashable, Sendable, CustomStringConvertible {
    let bytes: [UInt8]

    public init(_ name: String) { bytes = Array(name.utf8) }

    init(_ prefix: StaticString, _ rest: some Collection<UInt8>) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(prefix.utf8CodeUnitCount + rest.count)
        bytes.append(contentsOf: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
        bytes.append(contentsOf: rest)
        self.bytes = bytes
    }

    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public var description: String { String(decoding: bytes, as: UTF8.self) }
}
