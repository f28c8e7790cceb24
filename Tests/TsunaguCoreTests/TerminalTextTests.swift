import Foundation
import Testing
import TsunaguCore

@Suite("Text shown on a counsellor's terminal")
struct TerminalTextTests {
    @Test(
        "controls are shown as signs, never obeyed; line breaks and tabs stay",
        arguments: [
            ("\u{1B}[2J\u{1B}]0;title\u{07}", "␛[2J␛]0;title␇"),
            ("本当の行\r偽の行", "本当の行␍偽の行"),
            ("一行目\r\n二行目\n\t三行目", "一行目\n二行目\n\t三行目"),
            ("\u{9B}31m\u{85}", "\u{FFFD}31m\u{FFFD}"),
            ("\u{202E}gnp.exe\u{2066}", "\u{FFFD}gnp.exe\u{FFFD}"),
            ("\u{7F}\u{00}", "␡␀"),
            ("ふつうの言葉 😊", "ふつうの言葉 😊"),
        ])
    func neutralise(_ text: String, _ shown: String) {
        #expect(TerminalText.neutralise(text) == shown)
    }

    @Test("every string of a JSON answer is neutralised, numbers and booleans kept")
    func json() throws {
        struct Answer: Codable, Equatable {
            var text: String
            var lines: [String]
            var at: Int64
            var open: Bool
        }
        let sent = Answer(text: "a\u{1B}[31mb", lines: ["c\rd", "e"], at: 1_765_000_000_123, open: true)
        let cleaned = TerminalText.neutraliseJSON(try JSONEncoder().encode(sent))
        #expect(
            try JSONDecoder().decode(Answer.self, from: cleaned) == Answer(text: "a␛[31mb", lines: ["c␍d", "e"], at: 1_765_000_000_123, open: true))
        let plain = Data(#"{"text":"ok"}"#.utf8)
        #expect(TerminalText.neutraliseJSON(plain) == plain)
    }
}
