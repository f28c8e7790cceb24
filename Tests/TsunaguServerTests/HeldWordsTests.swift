import Foundation
import Testing
import TsunaguCore
import TsunaguCoreTesting

@testable import TsunaguServer

/// Her words before consent are sealed again with every new message, so what is held has a bound: a flood of
/// messages cannot make each of her events cost more than the last.
@Suite("Held words")
struct HeldWordsTests {
    let sealer = EventSealer(dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!)
    let conversation = Pseudonym(rawValue: "p-held")

    /// Adds each text as one event of hers would: from what the previous event stored. Returns what is stored at the
    /// end and which texts changed it.
    func hold(_ texts: [String]) throws -> (stored: [UInt8]?, changed: [Bool]) {
        var stored: [UInt8]?
        var changed: [Bool] = []
        for text in texts {
            var held = HeldWords(sealer: sealer, conversation: conversation, sealed: stored)
            changed.append(held.add(text, since: 1))
            guard changed.last == true else { continue }
            guard case .hold(let sealed, let since) = try held.change() else {
                Issue.record("not held")
                continue
            }
            #expect(since == 1)
            stored = sealed
        }
        return (stored, changed)
    }

    func texts(_ sealed: [UInt8]?, of conversation: Pseudonym? = nil) -> [String] {
        var held = HeldWords(sealer: sealer, conversation: conversation ?? self.conversation, sealed: sealed)
        return held.texts()
    }

    @Test("words are kept in order up to the limit; the first that does not fit ends the holding, shorter ones after it too")
    func boundedWithoutGaps() throws {
        let long = String(repeating: "つらい", count: 1_000)  // 9,000 bytes of UTF-8.
        let fit = HeldWords.limit / (long.utf8.count + 1 + HeldWords.entryCost)
        let messages = (0..<fit).map { "\($0)" + long } + ["x" + long, "短い", "これも"]
        let (stored, changed) = try hold(messages)
        #expect(changed == Array(repeating: true, count: fit) + [true, false, false], "the refused one is written once, to end the holding")
        let kept = texts(stored)
        #expect(kept == Array(messages.prefix(fit)), "her first words, in order, and nothing after the first that did not fit")
        #expect(kept.reduce(0) { $0 + $1.utf8.count + HeldWords.entryCost } <= HeldWords.limit)
        #expect(texts(stored, of: Pseudonym(rawValue: "p-other")).isEmpty, "bound to her conversation")
    }

    @Test("each message counts beyond its text, so many short ones are bounded too")
    func manyShortOnes() throws {
        let short = String(repeating: "あ", count: 100)  // 300 bytes: 218 would fit by their text alone.
        let (stored, changed) = try hold(Array(repeating: short, count: 400))
        let kept = texts(stored)
        #expect(kept.count == HeldWords.limit / (short.utf8.count + HeldWords.entryCost))
        #expect(changed.count { $0 } == kept.count + 1)
    }
}
