import Foundation
import Testing
import TsunaguCoreTesting
import TsunaguMeCab

@testable import TsunaguCore

/// The lexicon's patterns matched in one pass find exactly what each pattern finds on its own.
@Suite("Patterns matched in one pass")
struct PatternIndexTests {
    static let analyzer = try! MeCabAnalyzer()

    /// Every entry of the shipped script's lexicon.
    static var entries: [String] {
        let lexicon = ScriptFixture.engine.script.safety
        return lexicon.risk.values.flatMap { ($0.emergency ?? []) + ($0.concern ?? []) } + lexicon.threats.values.flatMap { $0 }
            + lexicon.pleas + lexicon.immediacy + lexicon.exposure + lexicon.habitual + lexicon.distance.values.flatMap { $0 }
            + lexicon.idioms
    }

    @Test("on the shipped lexicon and every development message, each pattern is found where it finds itself")
    func sameAsOneByOne() throws {
        let patterns = Self.entries.compactMap(SafetyPattern.init)
        let index = PatternIndex(patterns)
        #expect(patterns.contains { if case .text = $0.form { true } else { false } }, "both kinds are compared")
        let path = ScriptFixture.repositoryRoot.appendingPathComponent("Tests/SafetyEvaluation/development.jsonl").path
        let texts = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["text"] as! String
        }
        #expect(texts.count > 900)
        var found = 0
        for text in texts + ["死にたい。もう死にたい、死にたくない", ""] {
            let message = AnalysedMessage(text, analyzer: Self.analyzer)
            let together = index.matches(in: message)
            let alone = patterns.map { $0.match(in: message) }
            #expect(together == alone, "\(text)")
            found += alone.count { $0 != nil }
        }
        #expect(found > 500, "the messages exercise the patterns")
    }
}
