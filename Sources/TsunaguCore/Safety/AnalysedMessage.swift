/// Her message prepared once for every rule and every feature: folded (``TextNormalizer``), its emoji, whether it
/// asks something, and its morphemes with folded lemmas.
struct AnalysedMessage {
    struct Word {
        /// Folded dictionary form.
        let lemma: String
        /// Folded surface.
        let surface: String
        let partOfSpeech: String
        /// The folded lemma and surface as UTF-8: patterns compare bytes, since `String` equality normalises
        /// Unicode on every comparison (it was most of the detector's time), and both sides are folded alike.
        let lemmaBytes: [UInt8]
        let surfaceBytes: [UInt8]

        init(lemma: String, surface: String, partOfSpeech: String) {
            self.lemma = lemma
            self.surface = surface
            self.partOfSpeech = partOfSpeech
            lemmaBytes = Array(lemma.utf8)
            surfaceBytes = Array(surface.utf8)
        }

        func matches(_ word: [UInt8]) -> Bool { lemmaBytes == word || surfaceBytes == word }
    }

    let folded: String
    let foldedBytes: [UInt8]
    /// Her text as the analyser reads it (``TextNormalizer/prepareForAnalysis(_:)``): the engine folds her typed
    /// answers from it too.
    let prepared: String
    let words: [Word]
    /// The words' folded surfaces run together, and where each word ends in it: a text pattern found here is
    /// placed at a word, so a negation after it can be seen (りすかとかしてない).
    let wordBytes: [UInt8]
    let wordEnds: [Int]
    /// She laughs at the end (笑, w, 草): what came before is likely a joke, so a finding is put in doubt.
    let laughs: Bool
    /// Pictographs she used (🔪, 💊, 😭): meaning that folding drops.
    let emoji: [Unicode.Scalar]
    let asks: Bool

    init(_ text: String, analyzer: (any MorphologicalAnalyzer)?) {
        folded = TextNormalizer.normalize(text)
        foldedBytes = Array(folded.utf8)
        emoji = text.unicodeScalars.filter { $0.value >= 0x2190 && $0.properties.isEmoji }
        asks = text.unicodeScalars.contains { $0 == "?" || $0 == "？" }
        laughs = Self.laughs(Array(text.unicodeScalars))
        prepared = TextNormalizer.prepareForAnalysis(text)
        let words: [Word] = (analyzer?.morphemes(of: prepared) ?? []).compactMap { morpheme in
            guard morpheme.partOfSpeech != "記号" else { return nil }
            let surface = TextNormalizer.normalize(morpheme.surface)
            guard !surface.isEmpty else { return nil }
            let lemma = TextNormalizer.normalize(morpheme.lemma)
            return Word(lemma: lemma.isEmpty ? surface : lemma, surface: surface, partOfSpeech: morpheme.partOfSpeech)
        }
        self.words = words
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for word in words {
            bytes += word.surface.utf8
            ends.append(bytes.count)
        }
        wordBytes = bytes
        wordEnds = ends
    }

    /// 笑 or 草 anywhere, or a w (ｗ) after Japanese and before anything but a Latin letter: 殺されかけたw 掃除するわ.
    private static func laughs(_ scalars: [Unicode.Scalar]) -> Bool {
        for (index, scalar) in scalars.enumerated() {
            if scalar == "笑" || scalar == "草" { return true }
            guard ["w", "W", "ｗ", "Ｗ"].contains(scalar), index > 0,
                scalars[index - 1].value > 0x2E80 || ["w", "W", "ｗ", "Ｗ"].contains(scalars[index - 1])
            else { continue }
            let next = index + 1 < scalars.count ? scalars[index + 1] : " "
            if !(next.properties.isAlphabetic && next.isASCII) || ["w", "W"].contains(next) { return true }
        }
        return false
    }

    /// The index of the word in which byte `offset` of ``wordBytes`` lies.
    func word(endingAtOrAfter offset: Int) -> Int? {
        wordEnds.firstIndex { $0 >= offset }
    }
}
