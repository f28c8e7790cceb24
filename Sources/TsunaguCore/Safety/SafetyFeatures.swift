/// The sparse 0/1 features the learned model sees: the same function makes them for training (through
/// `tsunagu-safety features`) and at run time, so the two cannot drift apart.
///
/// - `c:` character bigrams and trigrams of the folded message (spellings, slang, words MeCab splits oddly);
/// - `l:` lemmas and `b:` lemma bigrams (死ぬ|たい, 殴る|れる), so inflections share weight;
/// - `e:` emoji, `q` for a question mark, `n:` the message's length (in five bands);
/// - `r:` what the rules found (a category and tier, a negation, immediacy, exposure, distance, an idiom), so
///   the model learns how far to trust each.
enum SafetyFeatures {
    static func make(_ message: AnalysedMessage, findings: RuleFindings) -> Set<String> {
        var features = Set<String>()
        let characters = Array(message.folded)
        for size in 2...3 where characters.count >= size {
            for start in 0...(characters.count - size) {
                features.insert("c:" + String(characters[start..<(start + size)]))
            }
        }
        if characters.count == 1 { features.insert("c:" + String(characters[0])) }
        for (index, word) in message.words.enumerated() {
            features.insert("l:" + word.lemma)
            if index + 1 < message.words.count { features.insert("b:" + word.lemma + "|" + message.words[index + 1].lemma) }
        }
        for scalar in message.emoji { features.insert("e:" + String(scalar)) }
        if message.asks { features.insert("q") }
        // How much she wrote: a short message carries little evidence, and the model learns how far to trust it.
        features.insert("n:" + String([4, 8, 16, 32, 64].firstIndex { characters.count <= $0 } ?? 5))
        for hit in findings.hits {
            features.insert("r:\(hit.category):\(hit.tier)")
            if hit.negated { features.insert("r:negated") }
            if hit.inIdiom { features.insert("r:idiom") }
        }
        for category in findings.threats { features.insert("r:threat:\(category)") }
        if findings.threatsInIdiom { features.insert("r:idiom") }
        if findings.immediate { features.insert("r:immediacy") }
        if findings.pleads { features.insert("r:plea") }
        if findings.exposed { features.insert("r:exposure") }
        if findings.habitual { features.insert("r:habitual") }
        for kind in findings.distance { features.insert("r:distance:\(kind)") }
        return features
    }
}
