import CurlHTTP
import Foundation
import Testing
import TsunaguClient
import TsunaguTesting

/// What a command printed: standard output and standard error, kept apart.
final class RecordingConsole: Console {
    private let output = Locked("")
    private let errors = Locked("")

    /// Plain, as into a pipe: no colour, no bell, no redraws.
    var isInteractive: Bool { false }

    func write(_ text: String) { output.withLock { $0 += text } }
    func writeError(_ text: String) { errors.withLock { $0 += text } }

    var stdout: String { output.value }
    var stderr: String { errors.value }
}

/// One counsellor's commands over a ``StaffServerTwin``, with the console they print to and a fixed clock.
struct Desk {
    /// 2026-12-06 10:00 in Japan.
    static let now: Int64 = 1_796_518_800_000

    let server: StaffServerTwin
    let console = RecordingConsole()
    let commands: StaffCommands

    init(_ routes: [String: String], server address: String = StaffServerTwin.server) {
        self.init(StaffServerTwin(ok: routes), server: address)
    }

    init(_ server: StaffServerTwin, server address: String = StaffServerTwin.server) {
        self.server = server
        commands = StaffCommands(
            credentials: Credentials(server: address, token: "tsu_test"), transport: server, terminal: Terminal(console: console),
            now: { Desk.now })
    }

    /// The body of the `index`th request as a JSON object, for comparing regardless of key order.
    func body(_ index: Int) throws -> NSDictionary? {
        guard let body = server.requests[index].body else { return nil }
        return try JSONSerialization.jsonObject(with: body) as? NSDictionary
    }
}

/// `json` parsed, to compare with ``Desk/body(_:)``.
func object(_ json: String) throws -> NSDictionary? {
    try JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary
}

/// Lines a counsellor types into `chat`, then the end of input.
func typed(_ lines: String...) -> AsyncStream<String> {
    AsyncStream { continuation in
        for line in lines { continuation.yield(line) }
        continuation.finish()
    }
}

/// JSON the staff API answers, for the routes the tests use.
enum Answer {
    static func summary(_ handle: String = "A7K2", priority: String = "urgent", counsellor: String? = "sato") -> String {
        #"{"handle":"\#(handle)","priority":"\#(priority)","topic":"family","urgency":"today","outOfHours":false,"queuedAt":\#(Desk.now - 12 * 60_000),"claimedAt":\#(Desk.now - 2 * 60_000)"#
            + (counsellor.map { #","counsellor":"\#($0)""# } ?? "") + #","reachable":true}"#
    }

    static func detail(lines: String = "") -> String { #"{"summary":\#(summary()),"lines":[\#(lines)]}"# }

    static let me = #"{"name":"sato","role":"counsellor"}"#
    static let cursor = #"{"events":[],"cursor":41}"#

    static func closed(priority: String = "urgent", referral: String? = "hellowork") -> String {
        #"{"handle":"A7K2","status":"closed","priority":"\#(priority)","outcome":"referred""#
            + (referral.map { #","referral":"\#($0)""# } ?? "") + "}"
    }

    static func done(_ status: String) -> String { #"{"handle":"A7K2","status":"\#(status)"}"# }
}

/// One command run against one answer: the route it must call, the body it must send, the text it must print.
struct CommandCase: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var route: String
    var answer: String
    var body: String? = nil
    var output: String
    var run: @Sendable (StaffCommands) async throws -> Void

    /// Runs the command on a fresh desk and checks the one request it made and what it printed.
    func check() async throws {
        let desk = Desk([route: answer])
        try await run(desk.commands)
        #expect(desk.server.routes == [route])
        let expected = try body.flatMap { try object($0) }
        #expect(try desk.body(0) == expected)
        #expect(desk.console.stdout == output)
        #expect(desk.console.stderr.isEmpty)
        let request = try #require(desk.server.requests.first)
        #expect(request.header("Authorization") == "Bearer tsu_test" && request.header("Accept") == "application/json")
        #expect(request.header("Content-Type") == (request.body == nil ? nil : "application/json"))
    }
}
