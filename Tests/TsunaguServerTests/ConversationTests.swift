import Foundation
import HTTPTypes
import HummingbirdTesting
import LineMessaging
import LineSandbox
import Prometheus
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// Scripted conversations end to end: signed webhooks from the sandbox's phone, the real listener, the
/// processor with the shipped script, the sender over libcurl, and what arrives back at her phone; every test on
/// both backends.
@Suite("Conversations through the sandbox")
struct ConversationTests {
    let script = ScriptFixture.engine.script

    /// Answered by the ingress in the transaction that stores each event (on SQLite), and by the processor alone.
    @Test(arguments: HarnessBackend.available, [true, false])
    func firstContactToQueued(backend: HarnessBackend, inline: Bool) async throws {
        let harness = try await ConversationHarness(backend: backend, inline: inline)
        try await harness.run { phone in
            #expect(try await phone.send(.follow(unblocked: false), from: "Ualice") == .ok)
            var texts = await phone.waitForMessages(2, to: "Ualice")
            #expect(texts == [ScriptFixture.engine.welcomeText, script.consent.text])
            #expect(phone.sandbox.deliveries(to: "Ualice").last?.message.quickReply.count == 2)

            try await phone.send(.postback("consent:yes"), from: "Ualice")
            texts = await phone.waitForMessages(3, to: "Ualice")
            #expect(texts.last == script.topic.text)
            try await phone.send(.postback("topic:family"), from: "Ualice")
            await phone.waitForMessages(4, to: "Ualice")
            try await phone.send(.text("今日中に話したい"), from: "Ualice")  // Typed instead of tapped.
            texts = await phone.waitForMessages(5, to: "Ualice")
            #expect(texts.last?.contains("1番目") == true)
            // Every answer went by reply while her token was fresh: no push was needed.
            #expect(phone.sandbox.deliveries(to: "Ualice").allSatisfy { $0.method == .reply })
        }
        // Inline (SQLite only), the ingress answered every event itself; otherwise the processor did.
        let page = harness.metrics.registry.emitToString()
        let answeredInline = inline && backend == .sqlite
        #expect(page.contains(#"tsunagu_triage_events_total{result="processed"} \#(answeredInline ? 0 : 4)"#), "\(page)")
        let row = try #require(
            try await harness.base.rows("SELECT topic, urgency, priority, queued_at IS NOT NULL AS queued, handle FROM triage_case").first)
        let record = [
            row["topic"]?.string ?? "", row["urgency"]?.string ?? "", row["priority"]?.string ?? "", row["queued"]?.bool == true ? "queued" : "",
            row["handle"]?.string ?? "",
        ]
        let transcript = try await harness.base.value("SELECT COUNT(*) AS n FROM case_message", "n").int
        #expect(Array(record.prefix(4)) == ["family", "today", "normal", "queued"])
        #expect(record[4].count == 4)
        // From consent on, the bot's three messages (topic question, urgency question, queued reply), each sealed
        // with the case key; her choices are triage data, not transcript.
        #expect(transcript == 3)
    }

    /// Her first message, often the whole story, reaches the counsellor once she agrees; declined, nothing of it stays.
    @Test(arguments: HarnessBackend.available, [true, false])
    func herFirstWordsAreKeptUntilSheAnswers(backend: HarnessBackend, agrees: Bool) async throws {
        let harness = try await ConversationHarness(backend: backend, engine: ScriptFixture.rulesOnlyEngine)
        let story = "彼氏のことでずっと悩んでて、誰にも言えなくて"
        try await harness.run { phone in
            try await phone.send(.text(story), from: "Uchika")
            await phone.waitForMessages(2, to: "Uchika")
            try await phone.send(.postback(agrees ? "consent:yes" : "consent:no"), from: "Uchika")
            await phone.waitForMessages(3, to: "Uchika")
        }
        let held = try await harness.base.value("SELECT COUNT(*) AS n FROM held_words", "n").int
        let messages = try await harness.base.value("SELECT COUNT(*) AS n FROM case_message WHERE author = 'her'", "n").int
        let cases = try await harness.base.value("SELECT COUNT(*) AS n FROM triage_case", "n").int
        #expect(held == 0, "held words outlived her answer")
        #expect(messages == (agrees ? 1 : 0) && cases == (agrees ? 1 : 0))
        if agrees {
            let cipher = CaseCipher(dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!)
            let rows = try await harness.base.rows(
                """
                SELECT m.sealed_text, k.wrapped_key, k.fingerprint, m.case_id FROM case_message m JOIN case_key k ON k.case_id = m.case_id
                WHERE m.author = 'her'
                """)
            let texts = try rows.map { row -> String in
                let caseID = row["case_id"]?.string ?? ""
                let key = try cipher.unwrap(row["wrapped_key"]?.bytes ?? [], for: caseID, fingerprint: row["fingerprint"]?.string)
                return try CaseCipher.open(row["sealed_text"]?.bytes ?? [], with: key, caseID: caseID)
            }
            #expect(texts == [story])
        }
    }

    /// Emergency wording at each step of triage: the contacts arrive first, and the case is at the front.
    @Test(arguments: HarnessBackend.available, 0...4)
    func emergencyAtEachStep(backend: HarnessBackend, stepsBefore: Int) async throws {
        let harness = try await ConversationHarness(backend: backend)
        let steps: [PhoneEvent] = [.follow(unblocked: false), .postback("consent:yes"), .postback("topic:work"), .postback("urgency:anytime")]
        try await harness.run { phone in
            var expected = 0
            for step in steps.prefix(stepsBefore) {
                try await phone.send(step, from: "Ubeth")
                expected += step == .follow(unblocked: false) ? 2 : 1
                await phone.waitForMessages(expected, to: "Ubeth")
            }
            try await phone.send(.text("いまから しにます"), from: "Ubeth")
            let texts = await phone.waitForMessages(expected + 1, to: "Ubeth")
            // Suicide leads with a listening line open at any hour, then 119; not with the police.
            #expect(texts[expected].contains("あなたのいばしょ") && texts[expected].contains("119") && !texts[expected].contains("110"))
        }
        let priority = try await harness.base.value("SELECT priority FROM triage_case", "priority").string
        let alerts = try await harness.base.rows("SELECT category FROM emergency_alert WHERE case_id = (SELECT id FROM triage_case)")
            .map { $0["category"]?.string }
        #expect(priority == "emergency")
        #expect(alerts == ["suicide"])  // Recorded for the staff API to stream, with the decision.
    }

    /// Each tier end to end, from her first words through /webhook, the detector with MeCab and the model, the
    /// outbox and libcurl: danger now gets the category's contacts and the front of the queue; a concern the
    /// safety question and a raised priority; an ordinary first message the welcome.
    @Test(
        arguments: [
            ("今夜また彼に殴られそうで、いまトイレに隠れてる", "・警察 110", "emergency"),
            ("最近ずっと消えたいって思ってる", "いま、安全な場所にいますか？", "urgent"),
            ("こんにちは、相談してもいいですか", "", ""),
        ])
    func eachTierFromTheFirstMessage(text: String, expectedLine: String, priority: String) async throws {
        for backend in HarnessBackend.available { try await eachTier(on: backend, text: text, expectedLine: expectedLine, priority: priority) }
    }

    private func eachTier(on backend: HarnessBackend, text: String, expectedLine: String, priority: String) async throws {
        let harness = try await ConversationHarness(backend: backend)
        try await harness.run { phone in
            try await phone.send(.text(text), from: "Uiris")
            let first = await phone.waitForMessages(1, to: "Uiris")[0]
            if expectedLine.isEmpty {
                #expect(first == ScriptFixture.engine.welcomeText, "\(first)")
            } else {
                #expect(first.contains(expectedLine), "\(first)")
            }
        }
        let stored = try await harness.base.value("SELECT priority FROM triage_case", "priority").string
        #expect(stored == (priority.isEmpty ? nil : priority), "on \(backend)")
    }

    @Test(arguments: HarnessBackend.available)
    func outOfHoursGivesTheNextOpening(backend: HarnessBackend) async throws {
        let harness = try await ConversationHarness(backend: backend, now: ScriptFixture.closedTime)
        try await harness.run { phone in
            for (event, total) in [
                (PhoneEvent.text("こんにちは"), 2), (.postback("consent:yes"), 3), (.postback("topic:money"), 4), (.postback("urgency:now"), 5),
            ] {
                try await phone.send(event, from: "Ucara")
                await phone.waitForMessages(total, to: "Ucara")
            }
            let last = phone.received(by: "Ucara").last ?? ""
            #expect(last.contains("11月30日(月) 10:00"))
            #expect(last.contains("110") && last.contains("あなたのいばしょ"))
        }
        let outOfHours = try await harness.base.value("SELECT out_of_hours FROM triage_case", "out_of_hours").bool
        #expect(outOfHours == true)
    }

    /// LINE redelivers an event it thinks we missed: it is acknowledged and changes nothing.
    @Test(arguments: HarnessBackend.available)
    func aRedeliveryIsProcessedOnce(backend: HarnessBackend) async throws {
        let harness = try await ConversationHarness(backend: backend)
        try await harness.run { phone in
            let (body, signature) = phone.sandbox.signed([phone.sandbox.event(.text("はじめまして"), from: "Udee")])
            #expect(try await phone.client.postWebhook(body, signature: signature).status == .ok)
            await phone.waitForMessages(2, to: "Udee")
            #expect(try await phone.client.postWebhook(body, signature: signature).status == .ok)
            // Then something new, which must be answered after (and only after) the original.
            try await phone.send(.postback("consent:no"), from: "Udee")
            let texts = await phone.waitForMessages(3, to: "Udee")
            #expect(texts == [ScriptFixture.engine.welcomeText, script.consent.text, script.consentDeclined + "\n" + script.firstWords.dropped])
        }
        let counts = try await harness.base.dependencies.inbox.counts()
        #expect(counts.duplicates == 1 && counts.pending == 0 && counts.processed == 2)
    }

    @Test(arguments: HarnessBackend.available)
    func unsendRemovesHerMessageFromTheTranscript(backend: HarnessBackend) async throws {
        let harness = try await ConversationHarness(backend: backend)
        try await harness.run { phone in
            for (event, total) in [
                (PhoneEvent.follow(unblocked: false), 2), (.postback("consent:yes"), 3), (.postback("topic:work"), 4),
                (.postback("urgency:today"), 5),
            ] {
                try await phone.send(event, from: "Uemi")
                await phone.waitForMessages(total, to: "Uemi")
            }
            let message = phone.sandbox.event(.text("やっぱり書かなければよかったこと"), from: "Uemi")
            let messageID = message["message"]?["id"]?.stringValue ?? ""
            let (body, signature) = phone.sandbox.signed([message])
            try await phone.client.postWebhook(body, signature: signature)
            await phone.waitForMessages(6, to: "Uemi")  // "Still waiting", once.
            let hers = "SELECT COUNT(*) AS n FROM case_message WHERE author = 'her'"
            #expect(try await harness.base.value(hers, "n").int == 1)
            try await phone.send(.unsend(messageID: messageID), from: "Uemi")
            #expect(await eventually { (try? await harness.base.value(hers, "n").int) == 0 })
        }
    }

    @Test(arguments: HarnessBackend.available)
    func unfollowEndsTheCaseAndUnblockingWelcomesHerBack(backend: HarnessBackend) async throws {
        let harness = try await ConversationHarness(backend: backend)
        try await harness.run { phone in
            for (event, total) in [(PhoneEvent.follow(unblocked: false), 2), (.postback("consent:yes"), 3)] {
                try await phone.send(event, from: "Ufay")
                await phone.waitForMessages(total, to: "Ufay")
            }
            // A counsellor's push waiting for her (not due for an hour), then she blocks the account.
            let key = DataKey(base64: TestSecrets.dataKeyBase64)!
            let waiting = NewOutboxEntry(
                id: "waiting", conversation: Pseudonym(rawValue: Pseudonymizer(dataKey: key).pseudonym(of: "Ufay").rawValue),
                retryKey: UUID().uuidString.lowercased(), createdAt: harness.clock.now() + 3_600_000, replyTokenUsableUntil: nil,
                sealedPayload: try OutboxPayload(chatID: "Ufay", replyToken: nil, messages: [OutgoingMessage(text: "お返事です")])
                    .sealed(with: EventSealer(dataKey: key), entryID: "waiting"))
            _ = try await harness.base.dependencies.outbox.enqueue([waiting])
            try await phone.send(.unfollow, from: "Ufay")
            #expect(await eventually { (try? await harness.base.value("SELECT outcome FROM triage_case", "outcome").string) == "unfollowed" })
            #expect(try await harness.base.dependencies.outbox.counts().byState["withheld"] == 1)  // No push after a block.
            try await phone.send(.follow(unblocked: true), from: "Ufay")
            let texts = await phone.waitForMessages(5, to: "Ufay")
            #expect(texts.suffix(2) == [ScriptFixture.engine.welcomeText, script.consent.text])
        }
    }

    @Test(arguments: HarnessBackend.available)
    func groupsGetOneNoticeAndTheBotLeaves(backend: HarnessBackend) async throws {
        let harness = try await ConversationHarness(backend: backend)
        try await harness.run { phone in
            try await phone.send(.groupText(groupID: "Cgroup1", "みんなで相談したい"), from: "Ugil")
            let texts = await phone.waitForMessages(1, to: "Cgroup1")
            #expect(texts == [script.groupNotice])
            #expect(await eventually { phone.sandbox.leftChats == ["Cgroup1"] })
            #expect(phone.received(by: "Ugil").isEmpty)
        }
    }

    @Test(arguments: HarnessBackend.available)
    func confirmedStopDestroysTheContentAndKeepsTheAnonymousRecord(backend: HarnessBackend) async throws {
        let harness = try await ConversationHarness(backend: backend)
        try await harness.run { phone in
            for (event, total) in [(PhoneEvent.follow(unblocked: false), 2), (.postback("consent:yes"), 3), (.text("彼のことで悩んでいます"), 5)] {
                try await phone.send(event, from: "Uhana")
                await phone.waitForMessages(total, to: "Uhana")
            }
            try await phone.send(.text("やめる"), from: "Uhana")
            var texts = await phone.waitForMessages(6, to: "Uhana")
            #expect(texts.last == script.stop.confirm.text)
            try await phone.send(.postback("erase:yes"), from: "Uhana")
            texts = await phone.waitForMessages(7, to: "Uhana")
            #expect(texts.last == script.stop.reply)
        }
        let keys = try await harness.base.value("SELECT COUNT(*) AS n FROM case_key", "n").int
        let messages = try await harness.base.value("SELECT COUNT(*) AS n FROM case_message", "n").int
        let destroyed =
            try await harness.base.value("SELECT content_destroyed_at IS NOT NULL AS destroyed FROM triage_case", "destroyed").bool == true
        let outcome = try await harness.base.value("SELECT outcome FROM triage_case", "outcome").string
        #expect(keys == 0 && messages == 0 && destroyed)
        #expect(outcome == "stopped")
    }
}
