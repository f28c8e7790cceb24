/// A piece of HTML built from typed parts: text is always escaped, and so is every attribute value, so nothing
/// a person typed can become markup. The console's pages are only its skeleton and its labels; her words reach
/// the page through the script's `textContent`, never through HTML.
struct HTML: Sendable {
    fileprivate var rendered: String

    /// Text, escaped.
    init(_ text: String) { rendered = Self.escape(text) }

    private init(raw: String) { rendered = raw }

    static let empty = HTML(raw: "")

    /// An element; attributes whose value is `nil` are left out, `""` gives a bare attribute (`hidden`).
    static func element(_ name: String, _ attributes: [(String, String?)] = [], _ children: [HTML] = []) -> HTML {
        var out = "<" + name
        for case (let key, let value?) in attributes {
            out += value.isEmpty ? " \(key)" : " \(key)=\"\(escape(value))\""
        }
        out += ">"
        guard !voidElements.contains(name) else { return HTML(raw: out) }
        for child in children { out += child.rendered }
        return HTML(raw: out + "</\(name)>")
    }

    /// A whole document.
    static func document(_ root: HTML) -> String { "<!DOCTYPE html>\n" + root.rendered }

    private static let voidElements: Set<String> = ["meta", "link", "input", "br", "hr", "img"]

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

// Short names for the elements the pages use, read like the markup they make.
extension HTML {
    static func el(_ name: String, _ attributes: [(String, String?)] = [], _ children: HTML...) -> HTML {
        element(name, attributes, children)
    }

    static func text(_ text: String) -> HTML { HTML(text) }

    static func group(_ children: [HTML]) -> HTML { HTML(raw: children.map(\.rendered).joined()) }
}
