import Foundation
import TsunaguCore

/// Her words written before she answered the privacy notice, as the decider holds them: a list of texts sealed with
/// the data key, bound to her conversation, so the bytes on disk are useless without the key and cannot be moved to
/// another conversation.
struct HeldWords {
    private let sealer: EventSealer
    private let context: String
    private var list: [String]
    private var since: Int64?

    /// - Parameter sealed: what is held already (`nil`: nothing). Words that cannot be opened (sealed under a key
    ///   since retired) count as gone: they could never be shown anyway.
    init(sealer: EventSealer, conversation: Pseudonym, sealed: [UInt8]?) {
        self.sealer = sealer
        self.context = "held-words:" + conversation.rawValue
        let opened = sealed.flatMap { try? sealer.open($0, boundTo: "held-words:" + conversation.rawValue) }
        self.list = opened.flatMap { try? JSONDecoder().decode([String].self, from: $0) } ?? []
    }

    mutating func add(_ text: String, since: Int64) {
        list.append(text)
        if self.since == nil { self.since = since }
    }

    func texts() -> [String] { list }

    /// The commit's change: all the words so far, sealed again.
    func change() throws -> HeldWordsChange {
        .hold(sealed: try sealer.seal(try JSONEncoder().encode(list), boundTo: context), since: since ?? 0)
    }
}
