/// One word of her message as a morphological analyser sees it: the text as written, its dictionary form, and
/// what kind of word it is and how it is inflected.
///
/// Rules look at lemmas, so 死のう, 死ね and 死んで are all 死ぬ, and at the inflection, so 死のう (volitional) and
/// 死なない (negated) can be told apart.
public struct Morpheme: Sendable, Hashable {
    /// The word as written in the message.
    public var surface: String
    /// The dictionary form (死ぬ for 死の); the surface for a word the dictionary does not know (OD, レグカ).
    public var lemma: String
    /// The part of speech (動詞, 名詞, 助動詞, 助詞, 形容詞, …).
    public var partOfSpeech: String
    /// The inflected form (未然ウ接続, 連用形, 基本形, …); empty for words that do not inflect.
    public var inflection: String

    public init(surface: String, lemma: String, partOfSpeech: String, inflection: String = "") {
        self.surface = surface
        self.lemma = lemma
        self.partOfSpeech = partOfSpeech
        self.inflection = inflection
    }
}

/// Splits Japanese text into ``Morpheme``s. The core only sees this protocol: the server plugs in MeCab, tests
/// a fake that splits on spaces.
public protocol MorphologicalAnalyzer: Sendable {
    func morphemes(of text: String) -> [Morpheme]
}
