import Foundation
import Testing
import TsunaguClient

/// Each counsellor's command: the route it calls, the body it sends and what it prints.
@Suite("the counsellors' commands over a recording transport")
struct CaseCommandsTests {
    static let waitingItem =
        #"{"handle":"B3X9","priority":"emergency","emergency":"suicide","outOfHours":true,"queuedAt":\#(Desk.now - 75 * 60_000)}"#

    static let cases: [CommandCase] = [
        CommandCase(
            testDescription: "queue", route: "GET /api/v1/queue?limit=50",
            answer: #"{"cases":[\#(waitingItem)],"waiting":{"emergency":1,"normal":3}}"#,
            output: """
                HANDLE  PRIORITY   WAITING  TOPIC       URGENCY   NOTES
                B3X9    emergency  1 h 15   -           -         EMERGENCY: suicide, out of hou
                Waiting: 1 emergency, 0 urgent, 3 normal

                """
        ) { try await $0.queue(limit: 50, json: false) },
        CommandCase(
            testDescription: "queue, empty", route: "GET /api/v1/queue?limit=5", answer: #"{"cases":[],"waiting":{}}"#,
            output: "No one is waiting.\n"
        ) { try await $0.queue(limit: 5, json: false) },
        CommandCase(
            testDescription: "claim the next", route: "POST /api/v1/queue/claim", answer: Answer.summary(), body: "{}",
            output: """
                You hold case A7K2 (urgent, family, today).
                Read it with: tsunagu show A7K2   Talk with her: tsunagu chat A7K2

                """
        ) { try await $0.claim(nil, json: false) },
        CommandCase(
            testDescription: "claim by handle", route: "POST /api/v1/queue/claim", answer: Answer.summary(), body: #"{"handle":"A7K2"}"#,
            output: "You hold case A7K2 (urgent, family, today).\nRead it with: tsunagu show A7K2   Talk with her: tsunagu chat A7K2\n"
        ) { try await $0.claim("a7k2", json: false) },
        CommandCase(
            testDescription: "mine", route: "GET /api/v1/mine", answer: #"{"cases":[\#(Answer.summary())],"limit":3}"#,
            output: "HANDLE  PRIORITY   WAITED    TOPIC       URGENCY   NOTES\n"
                + "A7K2    urgent     10 min    family      today     \n" + "1 of at most 3.\n"
        ) { try await $0.mine(json: false) },
        CommandCase(
            testDescription: "show", route: "GET /api/v1/cases/A7K2",
            answer: Answer.detail(
                lines: #"{"id":1,"at":\#(Desk.now),"author":"her","text":"一行目\n二行目"},{"id":2,"at":\#(Desk.now),"author":"note","text":"メモ"}"#),
            output: "Case A7K2 — urgent, family, today\n10:00  her    一行目\n              二行目\n10:00  note   メモ\n"
        ) { try await $0.show("A7K2", json: false) },
        CommandCase(
            testDescription: "reply", route: "POST /api/v1/cases/A7K2/reply", answer: Answer.done("sent"), body: #"{"text":"はじめまして"}"#,
            output: "Sent to A7K2.\n"
        ) { try await $0.reply("A7K2", canned: nil) { "はじめまして" } },
        CommandCase(
            testDescription: "reply with a template", route: "POST /api/v1/cases/A7K2/reply", answer: Answer.done("sent"),
            body: #"{"canned":"take-time"}"#, output: "Sent to A7K2.\n"
        ) {
            try await $0.reply("A7K2", canned: "take-time") {
                Issue.record("read a text beside a template")
                return ""
            }
        },
        CommandCase(
            testDescription: "note", route: "POST /api/v1/cases/A7K2/notes", answer: Answer.done("noted"), body: #"{"text":"急ぎではない"}"#,
            output: "Noted in A7K2.\n"
        ) { try await $0.note("A7K2") { "急ぎではない" } },
        CommandCase(
            testDescription: "canned", route: "GET /api/v1/canned", answer: #"{"templates":[{"id":"greeting","text":"こんにちは。\n相談員です。"}]}"#,
            output: "greeting\n  こんにちは。\n  相談員です。\n"
        ) { try await $0.canned(json: false) },
        CommandCase(
            testDescription: "outcomes", route: "GET /api/v1/choices",
            answer: #"{"outcomes":[{"id":"listened","label":"傾聴"}],"partners":[{"id":"hellowork","label":"ハローワーク"}]}"#,
            output: "Outcomes (--outcome):\n  listened        傾聴\nReferral partners (--referral):\n  hellowork       ハローワーク\n"
        ) { try await $0.outcomes(json: false) },
        CommandCase(
            testDescription: "release", route: "POST /api/v1/cases/A7K2/release", answer: Answer.done("queued"),
            output: "Case A7K2 is back in the queue.\n"
        ) { try await $0.release("A7K2") },
        CommandCase(
            testDescription: "handover", route: "GET /api/v1/handover",
            answer: #"{"cases":[{"summary":\#(Answer.summary()),"notes":[]}],"waiting":{"emergency":1},"urgent":[\#(waitingItem)]}"#,
            output: """
                Your open cases (1)
                  A7K2  urgent, family, today
                        no notes yet: add one with tsunagu note A7K2
                Waiting: 1 emergency, 0 urgent, 0 normal
                  B3X9  EMERGENCY: suicide, waiting 1 h 15

                """
        ) { try await $0.handover(json: false) },
        CommandCase(
            testDescription: "close as JSON", route: "POST /api/v1/cases/A7K2/close", answer: Answer.closed(),
            body: #"{"outcome":"referred","referral":"hellowork"}"#,
            output: #"{"handle":"A7K2","outcome":"referred","priority":"urgent","referral":"hellowork","status":"closed"}"# + "\n"
        ) { try await $0.close("A7K2", outcome: "referred", referral: "hellowork", json: true) },
    ]

    @Test("each command calls its route, sends its body and prints its text", arguments: cases)
    func command(_ command: CommandCase) async throws {
        try await command.check()
    }

    @Test("a handle that is not one is refused before anything is sent", arguments: ["A7", "A7K2;rm", "../me", "ＡＢＣＤ"])
    func badHandle(_ handle: String) async throws {
        let desk = Desk([:])
        await #expect(throws: CLIFailure.self) { try await desk.commands.show(handle, json: false) }
        await #expect(throws: CLIFailure.self) { try await desk.commands.close(handle, outcome: "listened", referral: nil) }
        #expect(desk.server.requests.isEmpty)
    }
}
