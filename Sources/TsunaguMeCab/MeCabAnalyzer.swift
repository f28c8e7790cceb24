import CMeCab
import Synchronization
public import TsunaguCore

/// ``MorphologicalAnalyzer`` over MeCab with the IPA dictionary (Debian's `mecab-ipadic-utf8`).
///
/// A MeCab tagger is not safe to use from two threads at once, and making one maps the dictionary (about a
/// millisecond), so taggers are kept in a small pool: a call takes one, parses, copies the nodes out and gives
/// it back. The pool grows to the number of concurrent callers and never shrinks.
public final class MeCabAnalyzer: MorphologicalAnalyzer, Sendable {
    /// A tagger pointer; only ever used by the one caller that took it from the pool.
    private struct Tagger: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private let arguments: String
    private let idle: Mutex<[Tagger]>

    /// - Parameter dictionary: a dictionary folder (`-d`), or `nil` for the system's default (`/etc/mecabrc`).
    /// - Throws: ``MeCabUnavailable`` when MeCab or its dictionary cannot be loaded.
    public init(dictionary: String? = nil) throws(MeCabUnavailable) {
        arguments = dictionary.map { "-d \($0)" } ?? ""
        guard let first = mecab_new2(arguments) else { throw MeCabUnavailable() }
        idle = Mutex([Tagger(pointer: first)])
    }

    deinit {
        idle.withLock { taggers in
            for tagger in taggers { mecab_destroy(tagger.pointer) }
        }
    }

    public func morphemes(of text: String) -> [Morpheme] {
        guard !text.isEmpty, let tagger = take() else { return [] }
        defer { idle.withLock { $0.append(tagger) } }
        // Nodes point into the input, so the whole walk happens while the C string lives.
        return text.withCString { input in
            var result: [Morpheme] = []
            var node = mecab_sparse_tonode(tagger.pointer, input)
            while let current = node?.pointee {
                defer { node = UnsafePointer(current.next) }
                guard current.stat == MECAB_NOR_NODE || current.stat == MECAB_UNK_NODE, current.length > 0 else { continue }
                let surface = current.surface.withMemoryRebound(to: UInt8.self, capacity: Int(current.length)) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: Int(current.length)), as: UTF8.self)
                }
                // IPA dictionary features: pos, pos1, pos2, pos3, inflection type, inflected form, lemma, reading, …
                let features = current.feature.map { String(cString: $0) }?.split(separator: ",", omittingEmptySubsequences: false) ?? []
                func field(_ index: Int) -> String {
                    index < features.count && features[index] != "*" ? String(features[index]) : ""
                }
                let lemma = field(6)
                result.append(Morpheme(surface: surface, lemma: lemma.isEmpty ? surface : lemma, partOfSpeech: field(0), inflection: field(5)))
            }
            return result
        }
    }

    private func take() -> Tagger? {
        if let tagger = idle.withLock({ $0.popLast() }) { return tagger }
        return mecab_new2(arguments).map(Tagger.init)
    }
}

/// MeCab or its dictionary could not be loaded.
public struct MeCabUnavailable: Error, CustomStringConvertible {
    public init() {}

    public var description: String {
        "MeCab could not load its dictionary; install Debian's libmecab2 and mecab-ipadic-utf8 (scripts/test and the package do)."
    }
}
