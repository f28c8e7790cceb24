/// One pass over a webhook body that checks it is well-formed JSON and finds the exact bytes of each
/// element of its top-level `events` array (and of `destination`).
///
/// Why not decode the whole body and re-encode each event? Keeping the bytes exactly as LINE sent them is
/// both more faithful (nothing a model does not know is lost or reformatted) and several times cheaper
/// than building a generic JSON tree. Each event is then decoded from its own bytes, so the typed event
/// and the bytes the inbox seals are the same by construction.
///
/// Rules beyond RFC 8259, all of which LINE's own bodies meet: the body is valid UTF-8; the top level is an
/// object with exactly one `events` key (spelled without escapes) whose value is an array; nesting is at
/// most ``maximumDepth`` deep; every number is a finite double (`35.6E7942215` is refused: the typed decoder
/// would read it as infinity while the event's own bytes would be refused as JSON elsewhere).
struct WebhookBodyScanner {
    static let maximumDepth = 64

    struct Result {
        var events: [Range<Int>] = []
        var destination: Range<Int>?
    }

    private struct Malformed: Error {}

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The ranges of the events and the destination within `bytes`, or `nil` when the body is malformed.
    static func scan(_ bytes: UnsafeRawBufferPointer) -> Result? {
        guard String(validating: bytes, as: UTF8.self) != nil else { return nil }
        var scanner = WebhookBodyScanner(bytes)
        return try? scanner.scanEnvelope()
    }

    private mutating func scanEnvelope() throws(Malformed) -> Result {
        var result = Result()
        var sawEvents = false
        skipWhitespace()
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                let key = try scanString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                if matches(key, "\"events\"") {
                    guard !sawEvents else { throw Malformed() }
                    sawEvents = true
                    result.events = try scanEventsArray()
                } else if matches(key, "\"destination\"") {
                    let start = index
                    try scanValue(depth: 1)
                    result.destination = start..<index
                } else {
                    try scanValue(depth: 1)
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        skipWhitespace()
        guard index == bytes.count, sawEvents else { throw Malformed() }
        return result
    }

    private mutating func scanEventsArray() throws(Malformed) -> [Range<Int>] {
        try expect(UInt8(ascii: "["))
        var events: [Range<Int>] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return events
        }
        while true {
            skipWhitespace()
            let start = index
            try scanValue(depth: 2)
            events.append(start..<index)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            return events
        }
    }

    private mutating func scanValue(depth: Int) throws(Malformed) {
        guard depth <= Self.maximumDepth, let byte = peek() else { throw Malformed() }
        switch byte {
        case UInt8(ascii: "{"): try scanContainer(close: UInt8(ascii: "}"), keyed: true, depth: depth)
        case UInt8(ascii: "["): try scanContainer(close: UInt8(ascii: "]"), keyed: false, depth: depth)
        case UInt8(ascii: "\""): _ = try scanString()
        case UInt8(ascii: "t"): try scanLiteral("true")
        case UInt8(ascii: "f"): try scanLiteral("false")
        case UInt8(ascii: "n"): try scanLiteral("null")
        default: try scanNumber()
        }
    }

    private mutating func scanContainer(close: UInt8, keyed: Bool, depth: Int) throws(Malformed) {
        index += 1
        skipWhitespace()
        if peek() == close {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            if keyed {
                _ = try scanString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
            }
            try scanValue(depth: depth + 1)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(close)
            return
        }
    }

    /// Scans a string and returns its range including the quotes.
    private mutating func scanString() throws(Malformed) -> Range<Int> {
        let start = index
        try expect(UInt8(ascii: "\""))
        while let byte = peek() {
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return start..<index
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { throw Malformed() }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    for _ in 0..<4 {
                        guard let hex = peek(), hex.isHexDigit else { throw Malformed() }
                        index += 1
                    }
                default: throw Malformed()
                }
            case 0..<0x20: throw Malformed()
            default: break
            }
        }
        throw Malformed()
    }

    private mutating func scanNumber() throws(Malformed) {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), first.isDigit else { throw Malformed() }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard peek()?.isDigit == true else { throw Malformed() }
            skipDigits()
        }
        var exponent = false
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            exponent = true
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard peek()?.isDigit == true else { throw Malformed() }
            skipDigits()
        }
        // Only an exponent or more than 308 characters can overflow a double; only those are parsed (a timestamp,
        // the usual number here, is not), so the hot path makes no string for them.
        guard exponent || index - start > 308 else { return }
        let token = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard Double(token)?.isFinite == true else { throw Malformed() }
    }

    private mutating func scanLiteral(_ literal: StaticString) throws(Malformed) {
        let length = literal.utf8CodeUnitCount
        guard index + length <= bytes.count else { throw Malformed() }
        for offset in 0..<length where bytes[index + offset] != literal.utf8Start[offset] { throw Malformed() }
        index += length
    }

    private func matches(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        for offset in 0..<range.count where bytes[range.lowerBound + offset] != literal.utf8Start[offset] { return false }
        return true
    }

    private mutating func skipDigits() {
        while let byte = peek(), byte.isDigit { index += 1 }
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(Malformed) {
        guard peek() == byte else { throw Malformed() }
        index += 1
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    fileprivate var isHexDigit: Bool {
        isDigit || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }
}
