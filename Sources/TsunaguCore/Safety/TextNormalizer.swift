/// Folds the ways one Japanese phrase can be typed into one form, so a phrase list can match them all.
///
/// Applied alike to the configured phrases and to her message: full-width Latin letters and digits become
/// ASCII, half-width katakana become full-width (with their voicing marks), katakana become hiragana,
/// Latin letters become lowercase, everything that is not a letter or digit (spaces, punctuation, emoji,
/// long-vowel marks such as ー and 〜) is dropped, small vowels used for drawling (ぁぃぅぇぉ) are dropped,
/// and runs of one character collapse to one. 「死 に た ー い」, 「しにたぁぁい」 and 「ｼﾆﾀｲ」 all become
/// 「死にたい」's spellings 「死にたい」 / 「しにたい」.
public enum TextNormalizer {
    public static func normalize(_ text: String) -> String {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars where !applyVoicingMark(scalar, to: &scalars) {
            guard let folded = fold(scalar) else { continue }
            if folded == scalars.last { continue }  // Collapse repeats: 「いいいい」 → 「い」.
            scalars.append(folded)
        }
        return string(scalars)
    }

    /// Her message as a morphological analyser should see it: widths folded (ＯＤ → OD, ｼﾆﾀｲ → シニタイ), spaces
    /// dropped (し に た い), and runs of three or more of one character cut to one (しにたいいいい), but kana,
    /// kanji and punctuation kept, since they carry the word boundaries folding would erase.
    public static func prepareForAnalysis(_ text: String) -> String {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars where !applyVoicingMark(scalar, to: &scalars) {
            var value = scalar.value
            if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
            if (0xFF66...0xFF9D).contains(value) { value = halfWidthKatakana[Int(value - 0xFF66)] }
            guard let folded = Unicode.Scalar(value), !folded.properties.isWhitespace else { continue }
            scalars.append(folded)
        }
        // Runs of three or more become one; a pair stays (いい is a word of its own).
        var kept: [Unicode.Scalar] = []
        kept.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            var end = index + 1
            while end < scalars.count && scalars[end] == scalars[index] { end += 1 }
            kept.append(contentsOf: scalars[index..<(end - index >= 3 ? index + 1 : end)])
            index = end
        }
        return string(kept)
    }

    /// `scalars` as a `String`, made from their UTF-8 in one go: appending scalars to a `String.UnicodeScalarView`
    /// was half of folding's time.
    private static func string(_ scalars: [Unicode.Scalar]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 * scalars.count)
        for scalar in scalars { UTF8.encode(scalar) { bytes.append($0) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A (semi-)voiced sound mark, combining or half-width, joins the kana before it (ｶﾞ → ガ); returns whether
    /// `scalar` was such a mark.
    private static func applyVoicingMark(_ scalar: Unicode.Scalar, to scalars: inout [Unicode.Scalar]) -> Bool {
        switch scalar.value {
        case 0x3099, 0xFF9E:
            if let last = scalars.last, let voiced = voiced(last) { scalars[scalars.count - 1] = voiced }
        case 0x309A, 0xFF9F:
            if let last = scalars.last, let semiVoiced = semiVoiced(last) { scalars[scalars.count - 1] = semiVoiced }
        default:
            return false
        }
        return true
    }

    /// One scalar's folded form, or `nil` when it is dropped.
    private static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        var value = scalar.value
        if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }  // Full-width ASCII.
        if (0xFF66...0xFF9D).contains(value) { value = halfWidthKatakana[Int(value - 0xFF66)] }
        if (0x30A1...0x30F6).contains(value) { value -= 0x60 }  // Katakana → hiragana.
        if (0x41...0x5A).contains(value) { value += 0x20 }  // ASCII lowercase.
        if [0x3041, 0x3043, 0x3045, 0x3047, 0x3049].contains(value) { return nil }  // ぁぃぅぇぉ: drawl.
        // Most of her message is kana and kanji: kept without a look-up in Unicode's property tables, which was a
        // fifth of folding's time. Every scalar of ``letters`` is alphabetic or numeric (a test holds this).
        if letters.contains(where: { $0.contains(value) }) { return Unicode.Scalar(value) }
        guard let folded = Unicode.Scalar(value) else { return nil }
        let properties = folded.properties
        guard properties.isAlphabetic || properties.numericType != nil else { return nil }
        if value == 0x30FC || value == 0x301C || value == 0xFF5E { return nil }  // ー 〜 ～ are alphabetic extenders.
        return folded
    }

    /// Hiragana (after the drawl marks), the CJK unified ideographs, lowercase ASCII letters and digits: all letters
    /// or digits, none of them ー or 〜.
    static let letters: [ClosedRange<UInt32>] = [0x3042...0x3096, 0x4E00...0x9FFF, 0x61...0x7A, 0x30...0x39]

    /// ｦ (U+FF66) … ﾝ (U+FF9D) as full-width katakana.
    private static let halfWidthKatakana: [UInt32] = [
        0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3, 0x30FC,
        0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA, 0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3,
        0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8,
        0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB,
        0x30DE, 0x30DF, 0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6, 0x30E8,
        0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED, 0x30EF, 0x30F3,
    ]

    /// か → が, は → ば, う → ゔ (already folded to hiragana).
    private static func voiced(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let value = scalar.value
        let voiceable: Set<UInt32> = [
            0x304B, 0x304D, 0x304F, 0x3051, 0x3053, 0x3055, 0x3057, 0x3059, 0x305B, 0x305D,
            0x305F, 0x3061, 0x3064, 0x3066, 0x3068, 0x306F, 0x3072, 0x3075, 0x3078, 0x307B,
        ]
        if voiceable.contains(value) { return Unicode.Scalar(value + 1) }
        if value == 0x3046 { return Unicode.Scalar(0x3094) }
        return nil
    }

    /// は → ぱ.
    private static func semiVoiced(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let value = scalar.value
        return [0x306F, 0x3072, 0x3075, 0x3078, 0x307B].contains(value) ? Unicode.Scalar(value + 2) : nil
    }
}
