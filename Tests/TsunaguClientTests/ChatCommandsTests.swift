import Foundation
import Testing
import TsunaguClient

/// `chat`'s slash commands are the subcommands: the same request, the same words.
@Suite("chat and the subcommands share one implementation")
struct ChatCommandsTests {
    /// What `chat A7K2` asks before the first typed line: who I am, the feed's cursor, the transcript so far.
    static let opening = ["GET /api/v1/me", "GET /api/v1/events", "GET /api/v1/cases/A7K2?after=0"]

    static func chatRoutes(_ more: [String: String]) -> [String: String] {
        [
            "GET /api/v1/me": Answer.me, "GET /api/v1/events": Answer.cursor,
            "GET /api/v1/cases/A7K2?after=0": Answer.detail(lines: #"{"id":7,"at":\#(Desk.now),"author":"her","text":"聞いてほしい"}"#),
            "GET /api/v1/cases/A7K2?after=7": Answer.detail(),
        ].merging(more) { $1 }
    }

    @Test(
        "/close in chat and tsunagu close send the same request and print the same text",
        arguments: [
            ("urgent", "hellowork", "/close referred hellowork"), ("normal", nil, "/close referred"),
        ] as [(String, String?, String)])
    func close(priority: String, referral: String?, line: String) async throws {
        let routes = ["POST /api/v1/cases/A7K2/close": Answer.closed(priority: priority, referral: referral)]
        let subcommand = Desk(routes)
        try await subcommand.commands.close("a7k2", outcome: "referred", referral: referral)
        let chat = Desk(Self.chatRoutes(routes))
        try await chat.commands.chat("A7K2", typed: typed(line, "never sent: the chat has ended"))

        #expect(subcommand.server.routes == ["POST /api/v1/cases/A7K2/close"])
        #expect(chat.server.routes == Self.opening + ["POST /api/v1/cases/A7K2/close"])
        let expectedBody = try object(referral.map { #"{"outcome":"referred","referral":"\#($0)"}"# } ?? #"{"outcome":"referred"}"#)
        #expect(try subcommand.body(0) == expectedBody)
        #expect(try chat.body(3) == expectedBody)

        let closeText = subcommand.console.stdout
        #expect(chat.console.stdout.hasSuffix(closeText))
        if priority == "urgent" {
            #expect(
                closeText == """
                    Case A7K2 is closed (referred, referred to hellowork).

                    That was an urgent case. Take a short break before the next one: stand up,
                    drink some water, talk with a colleague. tsunagu handover summarises your open cases.

                    """)
        } else {
            #expect(closeText == "Case A7K2 is closed (referred).\n")
        }
        #expect(subcommand.console.stderr.isEmpty && chat.console.stderr.isEmpty)
    }

    @Test(
        "/transfer in chat and tsunagu transfer send the same request and print the same text",
        arguments: [
            ("/transfer suzuki", "suzuki"), ("/transfer queue", nil),
        ] as [(String, String?)])
    func transfer(line: String, colleague: String?) async throws {
        let routes = ["POST /api/v1/cases/A7K2/transfer": Answer.done(colleague == nil ? "queued" : "transferred")]
        let subcommand = Desk(routes)
        try await subcommand.commands.transfer("A7K2", to: colleague)
        let chat = Desk(Self.chatRoutes(routes))
        try await chat.commands.chat("A7K2", typed: typed(line))

        #expect(chat.server.routes == Self.opening + subcommand.server.routes)
        let expectedBody = try object(colleague.map { #"{"to":"\#($0)"}"# } ?? "{}")
        #expect(try subcommand.body(0) == expectedBody && chat.body(3) == expectedBody)
        #expect(subcommand.console.stdout == "Case A7K2: \(colleague == nil ? "queued" : "transferred").\n")
        #expect(chat.console.stdout.hasSuffix(subcommand.console.stdout))
    }

    @Test("a typed line is sent to her and shown from the transcript; // sends one that begins with /")
    func typedLines() async throws {
        let chat = Desk(
            Self.chatRoutes(["POST /api/v1/cases/A7K2/reply": Answer.done("sent"), "POST /api/v1/cases/A7K2/notes": Answer.done("noted")]))
        try await chat.commands.chat("A7K2", typed: typed("ここにいますよ", "  //3 つ目", "/note 急ぎではない", "", "/quit", "not sent"))

        #expect(
            chat.server.routes == Self.opening + [
                "POST /api/v1/cases/A7K2/reply", "GET /api/v1/cases/A7K2?after=7",
                "POST /api/v1/cases/A7K2/reply", "GET /api/v1/cases/A7K2?after=7",
                "POST /api/v1/cases/A7K2/notes", "GET /api/v1/cases/A7K2?after=7",
            ])
        #expect(try chat.body(3) == object(#"{"text":"ここにいますよ"}"#))
        #expect(try chat.body(5) == object(#"{"text":"/3 つ目"}"#))
        #expect(try chat.body(7) == object(#"{"text":"急ぎではない"}"#))
        #expect(
            chat.console.stdout == """
                Case A7K2 — urgent, family, today
                10:00  her    聞いてほしい
                Type to send; /note, /canned, /close, /transfer, /quit (/help explains).

                """)
    }

    @Test("a line another catch-up already showed is not shown again: her message appears once")
    func eachLineOnce() async throws {
        // The typed line's catch-up gets the transcript from line 7 on, as one that began before a feed event's
        // catch-up showed line 7 would: line 7 again, and her new line 8.
        let again = #"{"id":7,"at":\#(Desk.now),"author":"her","text":"聞いてほしい"}"#
        let new = #"{"id":8,"at":\#(Desk.now),"author":"her","text":"ありがとう"}"#
        let chat = Desk(
            Self.chatRoutes([
                "POST /api/v1/cases/A7K2/reply": Answer.done("sent"), "GET /api/v1/cases/A7K2?after=7": Answer.detail(lines: again + "," + new),
            ]))
        try await chat.commands.chat("A7K2", typed: typed("ここにいますよ", "/quit"))

        #expect(chat.console.stdout.components(separatedBy: "聞いてほしい").count == 2, "\(chat.console.stdout)")
        #expect(chat.console.stdout.components(separatedBy: "ありがとう").count == 2, "\(chat.console.stdout)")
    }

    @Test("a failing or unknown command is one sentence on standard error, and the chat goes on")
    func failures() async throws {
        let server = StaffServerTwin(
            Self.chatRoutes([:]).mapValues { (200, $0) }.merging([
                "POST /api/v1/cases/A7K2/close": (
                    422, #"{"error":{"code":"unknownOutcome","message":"fixed is not an outcome; tsunagu outcomes lists them."}}"#
                ),
                "GET /api/v1/canned": (200, #"{"templates":[{"id":"greeting","text":"こんにちは。\n相談員です。"}]}"#),
            ]) { $1 })
        let failing = Desk(server)
        try await failing.commands.chat("A7K2", typed: typed("/bogus", "/close", "/note", "/close fixed", "/canned"))
        #expect(
            failing.console.stderr == """
                tsunagu: Unknown command /bogus; /help lists them.
                tsunagu: Say how it ended: /close OUTCOME [REFERRAL] (tsunagu outcomes lists them).
                tsunagu: Write the note after /note.
                tsunagu: fixed is not an outcome; tsunagu outcomes lists them.

                """)
        // The chat went on to the last line: the templates, each on one line.
        #expect(failing.console.stdout.hasSuffix("  greeting      こんにちは。\n"))
        #expect(failing.server.routes == Self.opening + ["POST /api/v1/cases/A7K2/close", "GET /api/v1/canned"])
    }
}
