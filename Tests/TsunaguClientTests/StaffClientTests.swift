import CurlHTTP
import Foundation
import Testing
import TsunaguClient
import TsunaguTesting

/// The staff API client's edges: errors as one sentence, the plain-http warning, her words neutralised, login.
@Suite("the staff API client")
struct StaffClientTests {
    @Test(
        "an API error is its message; any other failure says what to do",
        arguments: [
            (404, #"{"error":{"code":"notFound","message":"No case A7K2; tsunagu mine lists yours."}}"#, "No case A7K2; tsunagu mine lists yours."),
            (502, "<html>Bad gateway</html>", "The server answered 502; try again, or ask the operator to check its log."),
            (200, "not json", "The server's answer was not understood; is http://127.0.0.1:8081 a Tsunagu staff listener?"),
        ])
    func failures(status: Int, body: String, sentence: String) async throws {
        let desk = Desk(StaffServerTwin(["GET /api/v1/mine": (status, body)]))
        await #expect(throws: CLIFailure(sentence)) { try await desk.commands.mine(json: false) }
        #expect(desk.console.stdout.isEmpty)
    }

    @Test("a server that cannot be reached is named, without the token")
    func unreachable() async throws {
        let transport = RecordingTransport { _ in throw HTTPTransportError(.connectionFailed, "Couldn't connect to server") }
        let console = RecordingConsole()
        let commands = StaffCommands(
            credentials: Credentials(server: "https://staff.example.city/", token: "tsu_secret"), transport: transport,
            terminal: Terminal(console: console), now: { Desk.now })
        await #expect(throws: CLIFailure("Cannot reach the Tsunagu server at https://staff.example.city; check the address and that it is running."))
        {
            try await commands.queue(limit: 1, json: false)
        }
        #expect(transport.requests.map(\.url) == ["https://staff.example.city/api/v1/queue?limit=1"])
        #expect(console.stderr.isEmpty, "https:// needs no warning")
    }

    @Test(
        "plain http:// to another machine is warned about once; to this machine it is not",
        arguments: [
            ("http://10.0.0.5:8081", true), ("http://127.0.0.1:8081", false), ("http://localhost:8081", false), ("http://[::1]:8081", false),
        ])
    func plainHTTP(server: String, warned: Bool) {
        let desk = Desk([:], server: server)
        let warning =
            "tsunagu: warning: 10.0.0.5 is reached over plain http://, so your token and her words cross the network unencrypted; use its https:// address.\n"
        #expect(desk.console.stderr == (warned ? warning : ""))
    }

    @Test("her words cannot drive the counsellor's terminal")
    func neutralised() async throws {
        let words = #"\u001B[2J\u0007消した\r偽の行"#
        let desk = Desk(["GET /api/v1/cases/A7K2": Answer.detail(lines: #"{"id":1,"at":\#(Desk.now),"author":"her","text":"\#(words)"}"#)])
        try await desk.commands.show("A7K2", json: false)
        #expect(desk.console.stdout.contains("␛[2J␇消した␍偽の行"))
        for control in ["\u{1B}", "\r", "\u{07}"] { #expect(!desk.console.stdout.contains(control)) }
    }

    @Test("watch draws the queue once per update, plain into a pipe")
    func watch() async throws {
        let desk = Desk(["GET /api/v1/events": Answer.cursor, "GET /api/v1/queue?limit=20": #"{"cases":[],"waiting":{"normal":2}}"#])
        try await desk.commands.watch(updates: 1)
        #expect(desk.server.routes == ["GET /api/v1/events", "GET /api/v1/queue?limit=20"])
        #expect(desk.console.stdout == "Tsunagu queue at 10:00 — Waiting: 0 emergency, 0 urgent, 2 normal\nNo one is waiting.\n\n")
    }

    @Test("login checks the token, then saves it readable by its owner only")
    func login() async throws {
        let directory = try TemporaryDirectory()
        let desk = Desk(["GET /api/v1/me": Answer.me])
        try await desk.commands.login(environment: ["XDG_CONFIG_HOME": directory.path("config")])
        #expect(desk.console.stdout == "Logged in as sato (counsellor).\n")
        let saved = directory.path("config/tsunagu/login.json")
        let environment = ["XDG_CONFIG_HOME": directory.path("config")]
        #expect(try Credentials.load(environment: environment) == Credentials(server: StaffServerTwin.server, token: "tsu_test"))
        #expect(try FileManager.default.attributesOfItem(atPath: saved)[.posixPermissions] as? Int == 0o600)
        // The variables win over the saved login.
        let given = Credentials(server: "https://staff.example.city", token: "tsu_other")
        #expect(
            try Credentials.load(environment: environment.merging(["TSUNAGU_SERVER": given.server, "TSUNAGU_TOKEN": given.token]) { $1 }) == given)

        let refused = Desk(StaffServerTwin(["GET /api/v1/me": (401, #"{"error":{"code":"unauthorized","message":"That token is not valid."}}"#)]))
        let elsewhere = ["XDG_CONFIG_HOME": directory.path("other")]
        await #expect(throws: CLIFailure("That token is not valid.")) { try await refused.commands.login(environment: elsewhere) }
        #expect(throws: CLIFailure.self) { try Credentials.load(environment: elsewhere) }
    }

    @Test("login's token comes from a file or the typed line, never empty")
    func loginToken() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("token")
        try "tsu_file\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(
            try StaffCommands.loginToken(file: file) {
                Issue.record("read standard input")
                return nil
            } == "tsu_file")
        #expect(try StaffCommands.loginToken(file: nil) { "  tsu_typed " } == "tsu_typed")
        #expect(throws: CLIFailure("No token given; type it on standard input, or pass --token-file FILE.")) {
            try StaffCommands.loginToken(file: nil) { nil }
        }
        #expect(throws: CLIFailure.self) { try StaffCommands.loginToken(file: directory.path("missing")) { nil } }
    }
}
