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
                let fields = current.feature.map { Self.fields($0) } ?? Fields()
                result.append(
                    Morpheme(
                        surface: surface, lemma: fields.lemma.isEmpty ? surface : fields.lemma, partOfSpeech: fields.partOfSpeech,
                        inflection: fields.inflection))
            }
            return result
        }
    }

    /// The three of a node's IPA dictionary features the core reads ("" where the dictionary writes `*`).
    private struct Fields {
        var partOfSpeech = ""
        var inflection = ""
        var lemma = ""
    }

    /// Reads the feature string (pos, pos1, pos2, pos3, inflection type, inflected form, lemma, reading, …) as bytes:
    /// splitting it as a `String` segmented every character into graphemes and compared each field with `*` by
    /// canonical equivalence, several percent of the server's CPU per message. A comma is one byte in UTF-8 and
    /// never part of another character, so splitting the bytes gives the same fields.
    private static func fields(_ feature: UnsafePointer<CChar>) -> Fields {
        var fields = Fields()
        let bytes = UnsafeRawPointer(feature)
        var index = 0
        var start = 0
        var number = 0
        while number <= 6 {
            let byte = bytes.load(fromByteOffset: index, as: UInt8.self)
            if byte == UInt8(ascii: ",") || byte == 0 {
                if number == 0 || number == 5 || number == 6 {
                    let field = UnsafeRawBufferPointer(start: bytes + start, count: index - start)
                    let text = field.elementsEqual([UInt8(ascii: "*")]) ? "" : String(decoding: field, as: UTF8.self)
                    switch number {
                    case 0: fields.partOfSpeech = text
                    case 5: fields.inflection = text
                    default: fields.lemma = text
                    }
                }
                if byte == 0 { break }
                number += 1
                start = index + 1
            }
            index += 1
        }
        return fields
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
