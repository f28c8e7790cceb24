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

    /// What a commit would store, opened again as the next event would open it.
    func reopened(_ change: HeldWordsChange) -> [String] {
        guard case .hold(let sealed, _) = change else { return [] }
        var held = HeldWords(sealer: sealer, conversation: conversation, sealed: sealed)
        return held.texts()
    }

    @Test("words are kept in order, sealed to her conversation, until the limit; past it nothing is added")
    func boundedInOrder() throws {
        let message = String(repeating: "つらい", count: 1_000)  // 9,000 bytes of UTF-8.
        var held = HeldWords(sealer: sealer, conversation: conversation, sealed: nil)
        var stored: [UInt8]?
        var accepted = 0
        for index in 0..<20 {
            // Each event starts from what the previous one stored, as the decider does.
            held = HeldWords(sealer: sealer, conversation: conversation, sealed: stored)
            guard held.add("\(index)" + message, since: 1) else { continue }
            accepted += 1
            guard case .hold(let sealed, let since) = try held.change() else {
                Issue.record("not held")
                return
            }
            #expect(since == 1)
            stored = sealed
        }
        let texts = reopened(.hold(sealed: try #require(stored), since: 1))
        #expect(accepted == HeldWords.limit / (message.utf8.count + 1))
        #expect(texts.count == accepted)
        #expect(texts.first?.hasPrefix("0") == true && texts.last?.hasPrefix("\(accepted - 1)") == true, "the first words are the ones kept")
        #expect(texts.reduce(0) { $0 + $1.utf8.count } <= HeldWords.limit)

        // Bound to her conversation: another's pseudonym cannot open them.
        var elsewhere = HeldWords(sealer: sealer, conversation: Pseudonym(rawValue: "p-other"), sealed: stored)
        #expect(elsewhere.texts().isEmpty)
    }
}
