public import CurlHTTP
import Foundation
import TsunaguCore

/// Her phone on the sandbox: sends what she types, shows what Tsunagu sent her with its choices numbered.
public actor PracticePhone {
    let sandbox: String
    let user: String
    /// The sandbox's admin token, sent as a bearer token with every request.
    private let token: String
    private let transport: any HTTPTransport
    private let terminal: Terminal
    private var shown = 0
    private var choices: [(label: String, data: String)] = []

    /// - Parameters:
    ///   - sandbox: the sandbox's address; a trailing `/` is dropped.
    ///   - token: the sandbox's token (``sandboxToken(environment:)``).
    ///   - transport: libcurl in the executable, which shuts it down.
    public init(sandbox: String, token: String, user: String, transport: any HTTPTransport, terminal: Terminal) {
        self.sandbox = sandbox.hasSuffix("/") ? String(sandbox.dropLast()) : sandbox
        self.token = token
        self.user = user
        self.transport = transport
        self.terminal = terminal
    }

    /// `TSUNAGU_SANDBOX_TOKEN`, or else the token `scripts/run` keeps in `data/local-sandbox-token`; empty when neither.
    public static func sandboxToken(environment: [String: String]) -> String {
        let given = environment["TSUNAGU_SANDBOX_TOKEN"] ?? ""
        guard given.isEmpty else { return given }
        return ((try? String(contentsOfFile: "data/local-sandbox-token", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `tsunagu phone`: what Tsunagu sends her as it arrives, and each typed line as her message (a number taps
    /// a choice), until `/quit` or the end of `typed`.
    public func run(typed: AsyncStream<String>) async throws {
        terminal.say(terminal.paint("Practice phone as \(user). Type a message; numbers tap choices; /quit ends.", .dim))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try await self.showNewMessages()
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
            group.addTask {
                for await line in typed {
                    let text = line.trimmingCharacters(in: .whitespaces)
                    if text == "/quit" { break }
                    guard !text.isEmpty else { continue }
                    do {
                        try await self.say(text)
                    } catch let failure as CLIFailure {
                        self.terminal.fail(failure)
                    }
                }
                // Let the last answers arrive before leaving.
                try await Task.sleep(for: .milliseconds(800))
                try await self.showNewMessages()
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// A number taps that choice of the last message; anything else is sent as her text. Returns once the
    /// answer has arrived and gone quiet (or after two seconds without one), so that lines piped in follow the
    /// conversation.
    private func say(_ text: String) async throws {
        if let number = Int(text), number >= 1, number <= choices.count {
            let choice = choices[number - 1]
            terminal.say(terminal.paint("you ▸ \(choice.label)", .cyan))
            try await post("/sandbox/phone/postback", ["userId": user, "data": choice.data])
        } else {
            try await post("/sandbox/phone/text", ["userId": user, "text": text])
        }
        var deadline = ContinuousClock.now + .seconds(2)
        var count = shown
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            try await showNewMessages()
            if shown != count {
                count = shown
                deadline = ContinuousClock.now + .milliseconds(400)  // More may follow in the same answer.
            }
        }
    }

    private func post(_ path: String, _ body: [String: String]) async throws {
        let response: HTTPClientResponse
        do {
            response = try await transport.send(
                HTTPClientRequest(
                    method: "POST", url: sandbox + path, headers: [("Content-Type", "application/json"), authorization],
                    body: try JSONEncoder().encode(body)))
        } catch {
            throw CLIFailure("Cannot reach the LINE sandbox at \(sandbox); start Tsunagu with scripts/run (sandbox mode) or pass --sandbox.")
        }
        struct Answer: Decodable { var status: Int }
        if response.status == 401 { throw Self.refusedToken }
        guard response.status == 200, let answer = try? JSONDecoder().decode(Answer.self, from: response.body) else {
            throw CLIFailure("The sandbox refused the message (HTTP \(response.status)); is \(sandbox) a LINE sandbox?")
        }
        guard answer.status == 200 else {
            throw CLIFailure("Tsunagu answered the webhook with HTTP \(answer.status); check that it runs with the sandbox's channel secret.")
        }
    }

    /// Prints what arrived since last time.
    private func showNewMessages() async throws {
        let response: HTTPClientResponse
        do {
            response = try await transport.send(
                HTTPClientRequest(
                    method: "GET", url: sandbox + "/sandbox/deliveries?chat=\(user)", headers: [authorization]))
        } catch {
            throw CLIFailure("Cannot reach the LINE sandbox at \(sandbox); start Tsunagu with scripts/run (sandbox mode) or pass --sandbox.")
        }
        if response.status == 401 { throw Self.refusedToken }
        // What the bot sent is the server's text: shown, never obeyed, like her words on a counsellor's terminal.
        guard let deliveries = try? JSONDecoder().decode([Delivery].self, from: TerminalText.neutraliseJSON(response.body)) else {
            throw CLIFailure("The sandbox's answer was not understood; is \(sandbox) a LINE sandbox?")
        }
        for delivery in deliveries.dropFirst(shown) {
            let lines = delivery.message.text.split(separator: "\n", omittingEmptySubsequences: false)
            terminal.say("Tsunagu ▸ " + lines.joined(separator: "\n          "))
            let buttons = delivery.message.quickReply?.items ?? []
            if !buttons.isEmpty {
                choices = buttons.map { ($0.action.label, $0.action.data ?? $0.action.text ?? $0.action.label) }
                terminal.say(choices.enumerated().map { "  [\($0.offset + 1)] \($0.element.label)" }.joined(separator: "\n"))
            }
        }
        shown = max(shown, deliveries.count)
    }

    private var authorization: (name: String, value: String) { ("Authorization", "Bearer \(token)") }

    private static let refusedToken = CLIFailure(
        "The LINE sandbox refused its token; set TSUNAGU_SANDBOX_TOKEN to the one tsunagud logged at start (scripts/run keeps it in data/local-sandbox-token)."
    )

    /// What the sandbox says it delivered, as far as the phone needs it.
    private struct Delivery: Decodable {
        struct Message: Decodable {
            struct QuickReply: Decodable { var items: [Item] }
            struct Item: Decodable { var action: Action }
            struct Action: Decodable {
                var label: String
                var data: String?
                var text: String?
            }
            var text: String
            var quickReply: QuickReply?
        }
        var message: Message
    }
}
