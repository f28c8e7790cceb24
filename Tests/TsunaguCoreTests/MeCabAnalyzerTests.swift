import Testing
import TsunaguCore
import TsunaguMeCab

/// The real MeCab with Debian's IPA dictionary: the lemmas the safety lexicon is written against.
@Suite("MeCab analyser")
struct MeCabAnalyzerTests {
    static let analyzer = try! MeCabAnalyzer()

    @Test(
        "youth spellings and inflections reach their dictionary forms",
        arguments: [
            ("死にてぇ", ["死ぬ", "たい"]), ("もう死のう", ["もう", "死ぬ", "う"]), ("首しめられた", ["首", "しめる", "れる", "た"]),
            ("帰してもらえない", ["帰す", "て", "もらえる", "ない"]), ("殴られた", ["殴る", "れる", "た"]), ("ODしてる", ["OD", "する", "てる"]),
        ])
    func lemmas(text: String, expected: [String]) {
        #expect(Self.analyzer.morphemes(of: text).map(\.lemma) == expected)
    }

    @Test("a word the dictionary does not know keeps its surface as its lemma, and nothing is lost or invented")
    func unknownWords() {
        let words = Self.analyzer.morphemes(of: "レグカした")
        #expect(words.first?.lemma == "レグカ")
        #expect(words.map(\.surface).joined() == "レグカした")
        #expect(Self.analyzer.morphemes(of: "").isEmpty)
    }

    @Test("many callers at once each get whole answers (taggers are pooled, never shared)")
    func concurrent() async {
        let texts = (0..<200).map { "今日\($0)回目、彼に殴られた" }
        let results = await withTaskGroup(of: [String].self) { group in
            for text in texts { group.addTask { Self.analyzer.morphemes(of: text).map(\.lemma) } }
            return await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(results.count == 200 && results.allSatisfy { $0.contains("殴る") && $0.contains("れる") })
    }
}
