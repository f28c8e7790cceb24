import Testing

@testable import TsunaguCore

@Suite("Folding her text")
struct TextNormalizerTests {
    /// The drawl marks (ぁぃぅぇぉ) lie inside the hiragana range, but folding drops them before it looks at the range.
    @Test("the scalars folding keeps without Unicode's tables are all letters or digits, and no long-vowel mark")
    func lettersAreLetters() {
        for range in TextNormalizer.letters {
            let odd = range.compactMap(Unicode.Scalar.init).first { scalar in
                !(scalar.properties.isAlphabetic || scalar.properties.numericType != nil)
                    || [0x30FC, 0x301C, 0xFF5E].contains(scalar.value)
            }
            #expect(odd == nil, "U+\(String(range.lowerBound, radix: 16)) … U+\(String(range.upperBound, radix: 16))")
            #expect(range.allSatisfy { Unicode.Scalar($0) != nil })
        }
    }

    @Test("the spellings of one phrase fold alike")
    func spellings() {
        #expect(TextNormalizer.normalize("死 に た ー い") == "死にたい")
        #expect(TextNormalizer.normalize("しにたぁぁい") == "しにたい")
        #expect(TextNormalizer.normalize("ぁぃぅぇぉ") == "")
        #expect(TextNormalizer.normalize("ｼﾆﾀｲ") == "しにたい")
        #expect(TextNormalizer.normalize("ＯＤした！！") == "odした")
        #expect(TextNormalizer.normalize("ｶﾞｯｺｳ 2025") == "がっこう2025")
    }

    @Test("her text for the analyser: widths folded, spaces gone, long runs cut, pairs and punctuation kept")
    func preparedForAnalysis() {
        #expect(TextNormalizer.prepareForAnalysis("ｼ ﾆ ﾀ ｲ") == "シニタイ")
        #expect(TextNormalizer.prepareForAnalysis("しにたいいいい！！！") == "しにたい!")
        #expect(TextNormalizer.prepareForAnalysis("ＯＤ、いいよ。") == "OD、いいよ。")
        #expect(TextNormalizer.prepareForAnalysis("") == "")
    }
}
