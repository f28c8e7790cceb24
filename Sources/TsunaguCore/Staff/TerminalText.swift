public import Foundation

/// Text from the server (her words above all) made safe to print on a counsellor's terminal.
///
/// Her message is hers to write, so it may hold anything: an escape sequence that clears the screen, retitles the
/// window or recolours what follows; a carriage return that writes a made-up line over the real one; a
/// right-to-left override that reverses what a line seems to say. Each such character is shown as a visible sign
/// instead (`␛` for ESC, `␍` for a lone carriage return, `␇` for the bell, `�` for the C1 and bidirectional
/// controls), so the terminal never obeys her. Line breaks stay (a `\r\n` becomes `\n`), and tabs too.
public enum TerminalText {
    public static func neutralise(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { continue }
            guard isControl(scalar) else {
                result.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x00...0x1F: result.append(Unicode.Scalar(0x2400 + scalar.value)!)  // the control pictures: ␀ … ␟
            case 0x7F: result.append("\u{2421}")  // ␡
            default: result.append("\u{FFFD}")
            }
        }
        return String(result)
    }

    /// Whether a scalar would act on a terminal rather than be shown: C0 (but `\n` and `\t`), DEL, C1, and the
    /// bidirectional embeddings, overrides and isolates.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// A JSON document with every string in it (keys too) neutralised; the document as it was when it is not JSON
    /// or holds nothing to neutralise.
    public static func neutraliseJSON(_ data: Data) -> Data {
        guard let text = String(data: data, encoding: .utf8),
            text.contains("\\u") || text.unicodeScalars.contains(where: isControl)
                || text.contains("\\r") || text.contains("\\b") || text.contains("\\f"),
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let cleaned = try? JSONSerialization.data(withJSONObject: neutralise(object: object), options: [.fragmentsAllowed])
        else { return data }
        return cleaned
    }

    private static func neutralise(object: Any) -> Any {
        switch object {
        case let text as String: neutralise(text)
        case let array as [Any]: array.map(neutralise(object:))
        case let dictionary as [String: Any]:
            Dictionary(dictionary.map { (neutralise($0.key), neutralise(object: $0.value)) }, uniquingKeysWith: { first, _ in first })
        default: object
        }
    }
}
