import Foundation
import TsunaguCore

/// Her words written before she answered the privacy notice, as the decider holds them: a list of texts sealed with
/// the data key, bound to her conversation, so the bytes on disk are useless without the key and cannot be moved to
/// another conversation.
///
/// At most ``limit`` bytes are held. Every new message seals the whole list again on the writer, so without a bound
/// one flood of messages before consent (LINE lets her send thousands in the half hour the words are held) would
/// make each of her events cost more than the last and slow every other woman's answer. The bound is far beyond what
/// anyone writes before answering a privacy notice. The first message that does not fit ends the holding: nothing
/// after it is kept, not even a shorter one, so what reaches the counsellor is her first words without a gap.
struct HeldWords {
    /// 64 KiB: about 21,000 Japanese characters, four of LINE's longest messages.
    static let limit = 65_536
    /// What each message counts beyond its text, so that thousands of one-character messages are bounded too.
    static let entryCost = 16
    /// Stored after the last message kept, once one did not fit: an empty text, which no LINE text message is.
    private static let endOfHolding = ""

    private let sealer: EventSealer
    private let context: String
    /// What was held when the decision began, opened only when an action needs it (most events need none).
    private let sealed: [UInt8]?
    private var opened: [String]?
    private var since: Int64?

    /// - Parameter sealed: what is held already (`nil`: nothing). Words that cannot be opened (sealed under a key
    ///   since retired) count as gone: they could never be shown anyway.
    init(sealer: EventSealer, conversation: Pseudonym, sealed: [UInt8]?) {
        self.sealer = sealer
        self.context = "held-words:" + conversation.rawValue
        self.sealed = sealed
    }

    /// Holds `text` if it fits, and ends the holding if it does not; returns whether what is stored changed (when it
    /// did not, nothing needs to be written).
    mutating func add(_ text: String, since: Int64) -> Bool {
        var list = stored()
        guard !text.isEmpty, list.last != Self.endOfHolding else { return false }
        let size = list.reduce(text.utf8.count + Self.entryCost) { $0 + $1.utf8.count + Self.entryCost }
        list.append(size <= Self.limit ? text : Self.endOfHolding)
        opened = list
        if self.since == nil { self.since = since }
        return true
    }

    /// The words held, oldest first.
    mutating func texts() -> [String] {
        stored().filter { $0 != Self.endOfHolding }
    }

    /// The commit's change: all the words so far, sealed again.
    mutating func change() throws -> HeldWordsChange {
        .hold(sealed: try sealer.seal(try JSONEncoder().encode(stored()), boundTo: context), since: since ?? 0)
    }

    /// The list as stored, with the end of holding if it was reached.
    private mutating func stored() -> [String] {
        if let opened { return opened }
        let bytes = sealed.flatMap { try? sealer.open($0, boundTo: context) }
        let list = bytes.flatMap { try? JSONDecoder().decode([String].self, from: $0) } ?? []
        opened = list
        return list
    }
}
