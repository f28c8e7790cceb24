import Foundation
import Testing
import TsunaguCore
import TsunaguCoreTesting

/// The conversation engine with the shipped script: every state × event kind, and the conversations that
/// matter most, step by step.
@Suite("Triage engine")
struct TriageEngineTests {
    let engine = ScriptFixture.engine
    /// Monday 2026-11-30 11:00 in Japan: the office is open.
    static let openTime = ScriptFixture.openTime
    /// Sunday 2026-11-29 20:00: closed (the fifth Sunday); next opening Monday 10:00.
    static let closedTime = ScriptFixture.closedTime

    static func conversation(in state: String) -> Conversation {
        var record = CaseRecord(id: "case-1", openedAt: openTime - 60_000)
        switch state {
        case "new": return Conversation()
        case "consent": return Conversation(state: .consent)
        case "topic": return Conversation(state: .topic, currentCase: record, hasConsented: true)
        case "urgency":
            record.topic = "work"
            return Conversation(state: .urgency, currentCase: record, hasConsented: true)
        case "queued":
            (record.topic, record.priority, record.queuedAt) = ("work", .normal, openTime - 30_000)
            return Conversation(state: .queued(priority: .normal), currentCase: record, hasConsented: true)
        case "active":
            (record.topic, record.priority, record.queuedAt, record.claimedAt) = ("work", .normal, openTime - 30_000, openTime - 10_000)
            return Conversation(state: .active(counsellor: "c1"), currentCase: record, hasConsented: true)
        case "survey":
            (record.outcome, record.closedAt) = ("resolved", openTime - 5_000)
            return Conversation(state: .survey, currentCase: record, hasConsented: true)
        case "closed":
            (record.outcome, record.closedAt) = ("resolved", openTime - 5_000)
            return Conversation(state: .closed(outcome: "resolved", referral: nil), currentCase: record, hasConsented: true)
        default: fatalError(state)
        }
    }

    static let states = ["new", "consent", "topic", "urgency", "queued", "active", "survey", "closed"]
    static let events: [TriageEvent] = [
        .follow(unblocked: false), .follow(unblocked: true), .unfollow, .text("相談したいことがあります"),
        .choice(data: "topic:work"), .sticker, .image, .otherMedia, .location, .unsend(messageID: "m1"), .fromGroup,
        .claimed(counsellor: "c2"), .released, .closed(outcome: "resolved", referral: "hellowork"),
    ]

    /// Next state for each event kind (columns in the order of `events`), per state (rows).
    static let table: [String: [String]] = [
        //          follow     unblock    unfollow  text       choice     sticker    image      media      location   unsend     group      claimed    released   closed
        "new": ["consent", "consent", "new", "consent", "consent", "consent", "consent", "consent", "consent", "new", "closed", "new", "new", "new"],
        "consent": [
            "consent", "consent", "new", "consent", "consent", "consent", "consent", "consent", "consent", "consent", "closed", "consent", "consent",
            "consent",
        ],
        "topic": ["topic", "topic", "closed", "topic", "urgency", "topic", "topic", "topic", "topic", "topic", "closed", "topic", "topic", "topic"],
        "urgency": [
            "urgency", "urgency", "closed", "urgency", "urgency", "urgency", "urgency", "urgency", "urgency", "urgency", "closed", "urgency",
            "urgency", "urgency",
        ],
        "queued": [
            "queued", "queued", "closed", "queued", "queued", "queued", "queued", "queued", "queued", "queued", "closed", "active", "queued",
            "survey",
        ],
        "active": [
            "active", "active", "closed", "active", "active", "active", "active", "active", "active", "active", "closed", "active", "queued",
            "survey",
        ],
        "survey": [
            "survey", "survey", "closed", "topic", "topic", "closed", "closed", "closed", "closed", "survey", "closed", "survey", "survey", "survey",
        ],
        "closed": [
            "consent", "consent", "new", "topic", "topic", "closed", "closed", "closed", "closed", "closed", "closed", "closed", "closed", "closed",
        ],
    ]

    @Test(arguments: states)
    func transitionTable(state: String) {
        for (index, event) in Self.events.enumerated() {
            let decision = engine.decide(
                event, for: Self.conversation(in: state), context: TriageContext(now: Self.openTime), newCaseID: "case-2")
            #expect(decision.conversation.state.name == Self.table[state]![index], "\(state) + \(event.kind)")
        }
    }

    /// Danger now, in every state and at any hour: the category's contacts that are open now, at once, an alert, and
    /// the front of the queue; out of hours, when a counsellor will read it, without the list again; with a
    /// counsellor already talking with her in hours, only the alert (out of hours nobody may be reading a held case).
    @Test(arguments: states)
    func emergencyInEveryState(state: String) {
        for now in [Self.openTime, Self.closedTime] {
            let decision = engine.decide(
                .text("今から死にます"), for: Self.conversation(in: state), context: TriageContext(now: now), newCaseID: "case-2")
            #expect(decision.actions.contains(.alert(category: "suicide")), "\(state)")
            #expect(decision.actions.contains(.record("今から死にます")), "\(state)")
            #expect(decision.conversation.currentCase?.priority == .emergency, "\(state)")
            #expect(decision.conversation.currentCase?.emergency == "suicide", "\(state)")
            if state == "active" {
                #expect(decision.conversation.state == .active(counsellor: "c1"), "still hers")
                if now == Self.openTime {
                    #expect(decision.messages.isEmpty, "the counsellor answers her in person")
                    continue
                }
            } else {
                #expect(decision.conversation.state == .queued(priority: .emergency), "\(state)")
            }
            let first = decision.messages.first?.text ?? ""
            #expect(first.contains("あなたのいばしょ") && first.contains("119") && !first.contains("110"), "\(state): suicide is not police-first")
            // いのちの電話's free line answers 16:00-21:00: not offered at 11:00, offered at 20:00.
            #expect(first.contains("0120-783-556") == (now == Self.closedTime), "\(state) at \(now): \(first)")
            if now == Self.closedTime {
                #expect(decision.messages.count == 2 && decision.messages[1].text.contains("11月30日(月) 10:00"), "\(state)")
                #expect(
                    decision.messages.map(\.text).joined().split(separator: "0120-783-556", omittingEmptySubsequences: false).count == 2,
                    "the list twice")
            }
        }
    }

    @Test func dangerAgainInTheSameCaseGetsOneShortLineAndAnotherAlert() {
        let first = engine.decide(
            .text("今から死にます"), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.closedTime), newCaseID: "x")
        let again = engine.decide(.text("もう無理、今から死ぬ"), for: first.conversation, context: TriageContext(now: Self.closedTime + 60_000), newCaseID: "x")
        #expect(again.messages.first?.text == engine.script.emergency.again)
        #expect(again.messages.count == 2 && again.messages[1].text.contains("11月30日(月) 10:00"), "out of hours, when a counsellor will read it")
        #expect(again.actions.contains(.alert(category: "suicide")))
    }

    /// Danger written to a counsellor in hours is answered by the counsellor, without the list: when she writes danger
    /// again later, waiting, the short line must not point to a list she never saw.
    /// Danger written to a counsellor in hours is recorded without the list; if she writes danger again when nobody
    /// is with her (out of hours, or released), she gets the whole list then, not the short line. A concern likewise.
    @Test func theListNotSentInALiveTalkIsSentLater() throws {
        let toCounsellor = engine.decide(
            .text("今から死にます"), for: Self.conversation(in: "active"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(toCounsellor.messages.isEmpty && !toCounsellor.conversation.sentContactList)
        let stored = try StoredConversation(json: toCounsellor.conversation.storedState())
            .conversation(currentCase: toCounsellor.conversation.currentCase, holder: "c1")
        let night = engine.decide(.text("もう無理、今から死ぬ"), for: stored, context: TriageContext(now: Self.closedTime), newCaseID: "x")
        #expect(night.messages.first?.text.contains("あなたのいばしょ") == true, "the list, at last")
        #expect(night.conversation.sentContactList)
        let again = engine.decide(.text("今から死にます"), for: night.conversation, context: TriageContext(now: Self.closedTime + 1_000), newCaseID: "x")
        #expect(again.messages.first?.text == engine.script.emergency.again)

        let concern = engine.decide(
            .text("もう死にたい"), for: Self.conversation(in: "active"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(concern.messages.isEmpty)
        let later = engine.decide(.text("消えたい"), for: concern.conversation, context: TriageContext(now: Self.closedTime), newCaseID: "x")
        #expect(later.messages.first?.text.contains("安全な場所") == true, "the safety question, at last")
    }

    @Test func aStateStoredBeforeTheListWasTrackedReadsFromTheRecord() throws {
        var record = Self.conversation(in: "queued").currentCase!
        record.emergency = "suicide"
        let older = #"{"stage":{"queued":{}},"reachable":true,"currentCaseID":"case-1","unansweredPrompts":0,"hasConsented":true}"#
        let read = try StoredConversation(json: older).conversation(currentCase: record, holder: nil)
        #expect(read.sentContactList && read.sentSafetyReply, "an older case with an emergency was answered with the list")
    }

    @Test func theShortLineNeverPointsToAListThatWasNotSent() {
        let toCounsellor = engine.decide(
            .text("今から死にます"), for: Self.conversation(in: "active"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(toCounsellor.messages.isEmpty)
        var released = toCounsellor.conversation
        released.state = .queued(priority: .emergency)
        let listed = engine.decide(.text("もう無理、今から死ぬ"), for: released, context: TriageContext(now: Self.openTime + 60_000), newCaseID: "x")
        #expect(listed.messages.first?.text.contains("あなたのいばしょ") == true, "the list she never saw")
        #expect(!engine.script.emergency.again.contains("上の") && engine.script.emergency.again.contains("110"))
    }

    /// A concern and a request to erase in one message: her safety first, then the question, as for an emergency.
    @Test(arguments: ["死にたい、もう全部消して", "消えたい。記録消してほしい"])
    func concernAndARequestToEraseGetTheSafetyReplyFirst(_ text: String) {
        let decision = engine.decide(.text(text), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(decision.actions.contains(.record(text)), "\(text)")
        #expect(decision.actions.contains(.flag(category: "suicide")), "\(text)")
        #expect(decision.messages.first?.text.contains("安全な場所") == true, "\(text)")
        #expect(decision.messages.last?.text == engine.script.stop.confirm.text && decision.conversation.erasureAsked, "\(text)")
        #expect(!decision.actions.contains(.stopPushes))
    }

    /// 「いいえ」 to the concern reply's 「いま、安全な場所にいますか？」 is danger now: the emergency list and an alert.
    @Test(arguments: ["いいえ", "安全じゃない", "ううん、こわい"])
    func notSafeAfterTheSafetyQuestionIsDangerNow(_ answer: String) {
        let concern = engine.decide(.text("もう死にたい"), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(concern.conversation.safetyAsked)
        let answered = engine.decide(.text(answer), for: concern.conversation, context: TriageContext(now: Self.openTime + 1_000), newCaseID: "x")
        #expect(answered.actions.contains(.alert(category: "suicide")), "\(answer)")
        #expect(answered.conversation.currentCase?.priority == .emergency, "\(answer)")
        #expect(answered.messages.first?.text.contains("あなたのいばしょ") == true, "\(answer): the list for what she was asked about")
        #expect(!answered.conversation.safetyAsked)
    }

    @Test(arguments: ["はい", "いいえ、大丈夫です", "大丈夫、家です"])
    func otherAnswersToTheSafetyQuestionAreReadAsUsual(_ answer: String) {
        let concern = engine.decide(.text("もう死にたい"), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        let answered = engine.decide(.text(answer), for: concern.conversation, context: TriageContext(now: Self.openTime + 1_000), newCaseID: "x")
        #expect(!answered.actions.contains { if case .alert = $0 { true } else { false } }, "\(answer)")
        #expect(answered.actions.contains(.record(answer)) && !answered.conversation.safetyAsked, "\(answer)")
    }

    /// A concern and a request to erase in one message ask both questions; 「いいえ」 then says she is not safe, and
    /// erases nothing.
    @Test func notSafeWinsOverTheErasureQuestion() {
        let both = engine.decide(
            .text("死にたい、もう全部消して"), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(both.conversation.safetyAsked && both.conversation.erasureAsked)
        let answered = engine.decide(.text("いいえ"), for: both.conversation, context: TriageContext(now: Self.openTime + 1_000), newCaseID: "x")
        #expect(answered.actions.contains(.alert(category: "suicide")))
        #expect(!answered.actions.contains(.stopPushes) && !answered.conversation.erasureAsked)
    }

    @Test func aCounsellorTakingTheCaseEndsTheSafetyQuestion() {
        let concern = engine.decide(.text("もう死にたい"), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        let claimed = engine.decide(
            .claimed(counsellor: "c1"), for: concern.conversation, context: TriageContext(now: Self.openTime + 1_000), newCaseID: "x")
        #expect(!claimed.conversation.safetyAsked)
        let answer = engine.decide(.text("いいえ"), for: claimed.conversation, context: TriageContext(now: Self.openTime + 2_000), newCaseID: "x")
        #expect(!answer.actions.contains { if case .alert = $0 { true } else { false } }, "her answer to the counsellor")
    }

    @Test func onlyTheNextMessageAnswersTheSafetyQuestion() throws {
        let concern = engine.decide(.text("もう死にたい"), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        let stored = try StoredConversation(json: concern.conversation.storedState())
            .conversation(currentCase: concern.conversation.currentCase, holder: nil)
        #expect(stored.safetyAsked, "kept across events")
        let moved = engine.decide(.text("仕事のことも相談したいです"), for: stored, context: TriageContext(now: Self.openTime + 1_000), newCaseID: "x")
        let later = engine.decide(.text("いいえ"), for: moved.conversation, context: TriageContext(now: Self.openTime + 2_000), newCaseID: "x")
        #expect(!later.actions.contains { if case .alert = $0 { true } else { false } })
        #expect(!(try later.conversation.storedState()).contains("safetyAsked"), "written only while it matters")
    }

    @Test func wantingToEndItIsReadAsDangerNotAsStopping() {
        let decision = engine.decide(
            .text("終わりにしたい"), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(decision.actions.contains(.flag(category: "suicide")))
        #expect(!decision.conversation.erasureAsked)
    }

    @Test func aContactIsOfferedOnlyWhileItAnswers() {
        let consult = engine.script.emergency.contacts.first { $0.id == "police-consult" }!
        let monday = CivilDate(year: 2026, month: 11, day: 30)
        let sunday = CivilDate(year: 2026, month: 11, day: 29)
        #expect(consult.isOpen(at: JapanTime(date: monday, minuteOfDay: 9 * 60)))
        #expect(!consult.isOpen(at: JapanTime(date: monday, minuteOfDay: 18 * 60)))
        #expect(!consult.isOpen(at: JapanTime(date: sunday, minuteOfDay: 11 * 60)))
        // 平日 services keep national holidays as days off: 2026-11-23, a Monday, is 勤労感謝の日.
        let holiday = CivilDate(year: 2026, month: 11, day: 23)
        let navi = engine.script.emergency.contacts.first { $0.id == "dv-navi" }!
        #expect(
            !consult.isOpen(at: JapanTime(date: holiday, minuteOfDay: 10 * 60)) && !navi.isOpen(at: JapanTime(date: holiday, minuteOfDay: 10 * 60)))
        #expect(navi.isOpen(at: JapanTime(date: monday, minuteOfDay: 10 * 60)) && !navi.isOpen(at: JapanTime(date: monday, minuteOfDay: 2 * 60)))
        var night = consult
        (night.open, night.days) = ("22:00-02:00", ["sun"])
        #expect(night.isOpen(at: JapanTime(date: monday, minuteOfDay: 60)), "past midnight, the slot of the day before")
        #expect(!night.isOpen(at: JapanTime(date: monday, minuteOfDay: 23 * 60)))
        var script = engine.script
        script.emergency.contacts[0].open = "10時から"
        #expect(script.validate().contains { $0.path == ["emergency", "contacts", "0", "open"] })
        // Each contact says how she reaches it and for whom; an under-18 line stays with a minor's danger.
        script = engine.script
        script.emergency.contacts[0].channel = "fax"
        #expect(script.validate().contains { $0.path == ["emergency", "contacts", "0", "channel"] })
        script = engine.script
        script.emergency.byCategory["violence"]?.append("kodomo-sos")
        #expect(script.validate().contains { $0.path == ["emergency", "byCategory", "violence"] && $0.message.contains("under-18") })
        #expect(
            engine.script.emergency.contacts.contains { $0.channel == "chat" } && engine.script.emergency.contacts.contains { $0.channel == "text" })
    }

    @Test(arguments: [("うーん", nil), ("ううん", false), ("うん", true), ("はーい", true), ("ＯＫ！", true), ("うん、お願いします", true)] as [(String, Bool?)])
    func aTypedAnswerIsReadAsWritten(text: String, yes: Bool?) {
        let decision = engine.decide(.text(text), for: Conversation(state: .consent), context: TriageContext(now: Self.openTime), newCaseID: "x")
        switch yes {
        case true?: #expect(decision.conversation.state == .topic, "\(text)")
        case false?: #expect(decision.conversation.state == .new, "\(text)")
        case nil: #expect(decision.conversation.state == .consent && decision.messages.first?.text == engine.script.consentReminder, "\(text)")
        }
    }

    /// Violence now leads with 110; a minor without a safe place tonight with 189.
    @Test(arguments: [("彼氏に今殴られてる、トイレに隠れてる", "violence", "・警察 110"), ("中2だけど家追い出されて今夜泊まるとこない", "minor_unsafe", "・児童相談所虐待対応ダイヤル 189")])
    func contactsFitTheDanger(text: String, category: String, firstContact: String) {
        let decision = engine.decide(.text(text), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "c")
        #expect(decision.actions.contains(.alert(category: category)), "\(decision.actions)")
        let lines = (decision.messages.first?.text ?? "").split(separator: "\n")
        #expect(lines.first { $0.hasPrefix("・") }?.hasPrefix(firstContact) == true, "\(lines)")
    }

    /// A risk without immediacy: one gentle safety question with two contacts, a raised priority and a flag; with a
    /// counsellor, only the flag (the counsellor reads the words in person); not twice in one case.
    @Test(arguments: states)
    func concernInEveryState(state: String) {
        let decision = engine.decide(
            .text("もう死にたい"), for: Self.conversation(in: state), context: TriageContext(now: Self.openTime), newCaseID: "case-2")
        #expect(decision.actions.contains(.flag(category: "suicide")), "\(state)")
        #expect(decision.actions.contains(.record("もう死にたい")), "\(state)")
        #expect(!decision.actions.contains { if case .alert = $0 { true } else { false } }, "\(state)")
        #expect(decision.conversation.currentCase?.concern == "suicide", "\(state)")
        if state == "active" {
            #expect(decision.messages.isEmpty, "the counsellor talking with her reads it")
            // Out of hours nobody may be reading a held case: the safety question and contacts, and when she will be read.
            let late = engine.decide(
                .text("もう死にたい"), for: Self.conversation(in: state), context: TriageContext(now: Self.closedTime), newCaseID: "case-2")
            #expect(late.messages.first?.text.contains("いま、安全な場所にいますか？") == true)
            #expect(late.messages.last?.text.contains("11月30日(月) 10:00") == true)
            #expect(late.conversation.state == .active(counsellor: "c1") && late.conversation.currentCase?.priority == .urgent)
            return
        }
        let reply = decision.messages.first?.text ?? ""
        #expect(reply.contains("いま、安全な場所にいますか？") && reply.split(separator: "\n").count { $0.hasPrefix("・") } == 2, "\(state): two contacts")
        #expect(decision.conversation.currentCase?.priority == .urgent, "\(state)")
        let again = engine.decide(.text("消えたい"), for: decision.conversation, context: TriageContext(now: Self.openTime), newCaseID: "case-3")
        #expect(!again.messages.contains { $0.text.contains("安全な場所") }, "\(state): asked twice")
    }

    /// What the detector must not answer as danger: an idiom, a denial, a drama, the past.
    @Test(arguments: ["死ぬほど眠い", "死にたいとかじゃないけど、毎日ちょっと疲れてる", "ドラマで主人公が首を絞められるシーンがこわかった", "3年前にリスカしてたけど今は元気です"])
    func noDangerIsNotAnswered(text: String) {
        let decision = engine.decide(.text(text), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "c")
        #expect(!decision.actions.contains { if case .alert = $0 { true } else if case .flag = $0 { true } else { false } }, "\(text)")
    }

    @Test func firstContactToQueuedDuringOfficeHours() {
        let context = TriageContext(now: Self.openTime, waitingAhead: [.normal: 3, .urgent: 1])
        var conversation = Conversation()
        var decision = engine.decide(.follow(unblocked: false), for: conversation, context: context, newCaseID: "case-1")
        #expect(decision.conversation.state == .consent)
        #expect(decision.actions.count == 1)  // One send: the welcome and the consent question together.
        #expect(decision.messages.map(\.text) == [engine.welcomeText, engine.script.consent.text])
        #expect(decision.messages.last?.choices.map(\.data) == ["consent:yes", "consent:no"])
        #expect(!decision.actions.contains { if case .record = $0 { true } else { false } })  // Nothing kept before consent.
        conversation = decision.conversation

        decision = engine.decide(.choice(data: "consent:yes"), for: conversation, context: context, newCaseID: "case-1")
        #expect(decision.openedCase && decision.conversation.currentCase?.id == "case-1")
        #expect(decision.messages.last?.choices.count == 8)
        conversation = decision.conversation

        decision = engine.decide(.text("仕事・就職"), for: conversation, context: context, newCaseID: "unused")  // Typed label.
        #expect(decision.conversation.currentCase?.topic == "work")
        #expect(decision.conversation.state == .urgency)
        conversation = decision.conversation

        decision = engine.decide(.choice(data: "urgency:today"), for: conversation, context: context, newCaseID: "unused")
        #expect(decision.conversation.state == .queued(priority: .normal))
        #expect(decision.conversation.currentCase?.queuedAt == Self.openTime)
        #expect(decision.conversation.currentCase?.outOfHours == false)
        // Four cases ahead (normal and urgent), two counsellors, 30 minutes each: fifth, about an hour.
        #expect(decision.messages.first?.text.contains("5番目") == true)
        #expect(decision.messages.first?.text.contains("60分くらい") == true)
    }

    @Test func aWaitPastClosingIsNeverPromisedForToday() {
        // Thirty cases ahead, two counsellors, 30 minutes each: 7.5 hours, past the 17:00 closing of a Monday at 11:00.
        let context = TriageContext(now: Self.openTime, waitingAhead: [.normal: 30])
        let decision = engine.decide(.choice(data: "urgency:today"), for: Self.conversation(in: "urgency"), context: context, newCaseID: "x")
        let text = decision.messages.first?.text ?? ""
        #expect(text.contains("17:00") && text.contains("12月1日(火) 10:00") && !text.contains("時間くらい"), "\(text)")
    }

    @Test func outOfHoursIsSaidInTheFirstReplyAndToAQueuedWomanWhoWrites() {
        let welcome = engine.decide(.text("相談したいです"), for: Conversation(), context: TriageContext(now: Self.closedTime), newCaseID: "x")
        #expect(welcome.messages.first?.text.hasPrefix(engine.welcomeText) == true)
        #expect(welcome.messages.first?.text.contains("受付時間外") == true && welcome.messages.first?.text.contains("11月30日(月) 10:00") == true)
        let open = engine.decide(.text("相談したいです"), for: Conversation(), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(open.messages.first?.text == engine.welcomeText)
        let queued = engine.decide(.text("まだですか"), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.closedTime), newCaseID: "x")
        #expect(queued.messages.map(\.text) == [engine.script.queue.stillWaitingClosed.replacing("{next_opening}", with: "11月30日(月) 10:00")])
    }

    @Test func outOfHoursNamesTheNextOpening() {
        let decision = engine.decide(
            .choice(data: "urgency:now"), for: Self.conversation(in: "urgency"), context: TriageContext(now: Self.closedTime),
            newCaseID: "unused")
        #expect(decision.conversation.state == .queued(priority: .urgent))
        #expect(decision.conversation.currentCase?.outOfHours == true)
        let text = decision.messages.first?.text ?? ""
        #expect(text.contains("11月30日(月) 10:00"))
        #expect(text.contains("110") && text.contains("あなたのいばしょ"))
    }

    /// やめる, and a confirmation: what erasing does.
    func confirmErasure(from state: String, asking request: String = "やめる", answer: TriageEvent) -> (asked: TriageDecision, answered: TriageDecision)
    {
        let asked = engine.decide(.text(request), for: Self.conversation(in: state), context: TriageContext(now: Self.openTime), newCaseID: "x")
        let answered = engine.decide(answer, for: asked.conversation, context: TriageContext(now: Self.openTime), newCaseID: "x")
        return (asked, answered)
    }

    @Test func stopAsksFirstAndOnlyHerConfirmationDestroysHerContent() {
        let (asked, erased) = confirmErasure(from: "queued", answer: .choice(data: "erase:yes"))
        #expect(!asked.actions.contains { if case .shredCase = $0 { true } else { false } }, "nothing is destroyed on asking")
        #expect(asked.messages.map(\.text) == [engine.script.stop.confirm.text])
        #expect(asked.messages.last?.choices.map(\.data) == ["erase:yes", "erase:no"])
        #expect(asked.conversation.state == Self.conversation(in: "queued").state && asked.conversation.erasureAsked)
        #expect(erased.actions.contains(.shredCase(caseID: "case-1")))
        #expect(erased.actions.contains(.stopPushes))
        #expect(erased.conversation.state == .new)
        #expect(!erased.conversation.hasConsented)
        #expect(erased.conversation.currentCase == nil, "her state keeps nothing of the case")
        #expect(
            erased.actions.contains { if case .erase(let closing) = $0 { closing?.id == "case-1" && closing?.outcome == "stopped" } else { false } })
        #expect(erased.messages.map(\.text) == [engine.script.stop.reply])
        #expect(engine.script.stop.reply.contains("トーク履歴"), "she is told how to delete the talk on her phone too")
    }

    @Test("An idle open case closes silently as no-response, so that its retention starts", arguments: ["topic", "urgency", "queued", "active"])
    func idleCaseCloses(_ state: String) {
        let decision = engine.decide(.idle, for: Self.conversation(in: state), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(decision.conversation.currentCase?.closedAt == Self.openTime)
        #expect(decision.conversation.currentCase?.outcome == TriageEngine.idleOutcome)
        #expect(decision.conversation.state == .closed(outcome: TriageEngine.idleOutcome, referral: nil))
        #expect(decision.messages.isEmpty, "nothing is pushed to her phone")
        #expect(engine.script.outcomes.contains { $0.id == TriageEngine.idleOutcome })
    }

    @Test(arguments: ["消して終わる", "はい", "うん", "はい、消してください"])
    func typedConfirmationErases(_ typed: String) {
        let (_, erased) = confirmErasure(from: "active", answer: .text(typed))
        #expect(erased.actions.contains(.shredCase(caseID: "case-1")))
    }

    /// Words that accept a privacy notice decline an offer to erase as often: erasing cannot be undone, so they keep.
    @Test(arguments: ["大丈夫です", "いいです", "だいじょうぶ", "いいえ", "消さないで", "消すな", "はい？", "消すの？", "終わるの?"])
    func looseWordsNeverErase(_ typed: String) {
        let (_, kept) = confirmErasure(from: "queued", answer: .text(typed))
        #expect(!kept.actions.contains { if case .shredCase = $0 { true } else { false } }, "\(typed)")
        #expect(!kept.actions.contains(.stopPushes), "\(typed)")
        if !typed.contains("?") && !typed.contains("？") && typed != "消すな" {
            #expect(kept.messages.first?.text == engine.script.stop.continued, "\(typed)")
        }
    }

    @Test func withoutTypedWordsOnlyTheLabelsAnswerTheErasureQuestion() throws {
        var script = engine.script
        script.stop.confirmWords = nil
        let strict = try TriageEngine(script: script)
        let asked = strict.decide(.text("やめる"), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        let typed = strict.decide(.text("はい"), for: asked.conversation, context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(!typed.actions.contains(.stopPushes))
        let label = strict.decide(.text("消して終わる"), for: asked.conversation, context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(label.actions.contains(.stopPushes))
    }

    @Test func carryingOnKeepsEverythingAndBringsBackTheQuestion() {
        let (_, kept) = confirmErasure(from: "topic", answer: .choice(data: "erase:no"))
        #expect(!kept.actions.contains(.stopPushes))
        #expect(kept.conversation.state == .topic && !kept.conversation.erasureAsked)
        #expect(kept.messages.map(\.text) == [engine.script.stop.continued, engine.script.topic.text])
        // Typed, or by simply writing on: the same.
        let typed = confirmErasure(from: "queued", answer: .text("続ける")).answered
        #expect(typed.messages.map(\.text) == [engine.script.stop.continued] && !typed.actions.contains(.stopPushes))
        let wroteOn = confirmErasure(from: "active", answer: .text("やっぱり話します、実は")).answered
        #expect(wroteOn.actions.contains(.record("やっぱり話します、実は")) && !wroteOn.conversation.erasureAsked)
        #expect(!wroteOn.actions.contains(.stopPushes))
    }

    @Test(arguments: ["これまでの相談内容を消してください", "データ消して欲しいです", "さっきの内容を削除してください", "全部消して"])
    func aRequestToEraseAsksToo(_ request: String) {
        let (asked, erased) = confirmErasure(from: "active", asking: request, answer: .choice(data: "erase:yes"))
        #expect(asked.conversation.erasureAsked, "\(request)")
        #expect(erased.actions.contains(.shredCase(caseID: "case-1")))
    }

    @Test(arguments: ["仕事をやめるか迷ってる", "スマホのトーク履歴を消しても大丈夫？", "元彼に写真のデータを消してって言ったのに", "やめるべきかな"])
    func talkAboutErasingIsNotARequest(_ text: String) {
        let decision = engine.decide(.text(text), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(!decision.conversation.erasureAsked && !decision.actions.contains(.stopPushes), "\(text)")
    }

    @Test func dangerAndARequestToEraseGetTheSafetyReplyFirstThenTheQuestion() {
        let decision = engine.decide(
            .text("今から死にます。内容を消して"), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(decision.actions.contains(.alert(category: "suicide")))
        #expect(decision.messages.first?.text.contains("あなたのいばしょ") == true)
        #expect(decision.messages.last?.text == engine.script.stop.confirm.text && decision.conversation.erasureAsked)
        #expect(!decision.actions.contains(.stopPushes))
    }

    @Test func aConversationStoredBeforeTheErasureQuestionStillReads() throws {
        let stored = #"{"state":{"queued":{"priority":"normal"}},"reachable":true,"unansweredPrompts":0,"hasConsented":true}"#
        let conversation = try StoredConversation(json: stored).conversation(currentCase: nil, holder: nil)
        #expect(conversation.state == .queued(priority: .normal) && !conversation.erasureAsked && !conversation.toldStillWaiting)
    }

    @Test func aStaleEraseButtonAsksAgain() {
        let decision = engine.decide(
            .choice(data: "erase:yes"), for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(!decision.actions.contains(.stopPushes) && decision.conversation.erasureAsked)
    }

    @Test func unfollowEndsTheCaseAndUnblockingMakesHerReachable() {
        let blocked = engine.decide(.unfollow, for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(blocked.actions == [.stopPushes])
        #expect(!blocked.conversation.reachable)
        #expect(blocked.conversation.currentCase?.outcome == "unfollowed")
        #expect(blocked.conversation.currentCase?.closedAt == Self.openTime)
        let back = engine.decide(.follow(unblocked: true), for: blocked.conversation, context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(back.conversation.reachable)
        #expect(back.conversation.state == .consent)
    }

    /// LINE redelivers a failed delivery later, so an unfollow may arrive after the follow that undid it: her next
    /// message proves she can be reached (a blocked account cannot be written to), and is answered.
    @Test(arguments: [TriageEvent.text("今から死にます"), .text("相談したいです"), .choice(data: "topic:work"), .image])
    func aMessageAfterAStaleUnfollowIsAnswered(_ event: TriageEvent) {
        let stale = engine.decide(.unfollow, for: Self.conversation(in: "queued"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(!stale.conversation.reachable)
        let next = engine.decide(event, for: stale.conversation, context: TriageContext(now: Self.openTime + 1_000), newCaseID: "y")
        #expect(next.conversation.reachable, "\(event.kind)")
        #expect(!next.messages.isEmpty, "\(event.kind)")
        let redelivered = engine.decide(
            event, for: stale.conversation, context: TriageContext(now: Self.openTime + 1_000, isRedelivery: true), newCaseID: "y")
        #expect(!redelivered.conversation.reachable, "a redelivered message may be older than the unfollow: \(event.kind)")
    }

    @Test func groupsAreDeclinedPolitely() {
        let decision = engine.decide(.fromGroup, for: Conversation(), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(decision.messages.map(\.text) == [engine.script.groupNotice])
        #expect(decision.actions.last == .leaveChat)
        let again = engine.decide(.fromGroup, for: decision.conversation, context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(again.actions == [.leaveChat])  // One notice only.
    }

    @Test func stickersAreAcknowledgedAndRecorded() {
        let decision = engine.decide(.sticker, for: Self.conversation(in: "topic"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(decision.actions.first == .record("[スタンプ]"))
        #expect(decision.messages.first?.text == engine.script.acknowledgements.sticker)
        #expect(decision.messages.last?.choices.count == 8)  // The topic question again.
        let sticker = engine.decide(.sticker, for: Self.conversation(in: "active"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(sticker.actions == [.record("[スタンプ]")], "in a live talk the counsellor sees the sticker's mark; the bot stays quiet")
    }

    /// She must never believe a counsellor saw a photo, heard a voice message or knows where she is.
    @Test(arguments: states)
    func mediaIsAcknowledgedInEveryStateWithWhatHappensToIt(state: String) {
        let acknowledgements = engine.script.acknowledgements
        for (event, text, mark) in [
            (TriageEvent.image, acknowledgements.image, acknowledgements.imageRecord),
            (.otherMedia, acknowledgements.media, acknowledgements.mediaRecord),
            (.location, acknowledgements.location, acknowledgements.locationRecord),
        ] {
            let decision = engine.decide(event, for: Self.conversation(in: state), context: TriageContext(now: Self.openTime), newCaseID: "x")
            #expect(decision.messages.first?.text == text, "\(state) + \(event.kind)")
            if state == "new" {
                #expect(decision.conversation.state == .consent, "a first message of any kind gets the welcome")
                #expect(decision.messages.last?.choices.isEmpty == false, "the welcome's buttons under the last message")
                continue
            }
            if ["topic", "urgency", "queued", "active"].contains(state) { #expect(decision.actions.first == .record(mark), "\(state)") }
        }
        #expect(acknowledgements.image.contains("見えません") && acknowledgements.location.contains("110"))
    }

    @Test(arguments: ["ありがとうございました！", "おやすみ〜", "はーい、ありがと"])
    func thanksAfterTheTalkEndPolitelyWithoutANewCase(_ text: String) {
        for state in ["closed", "survey"] {
            let decision = engine.decide(
                .text(text), for: Self.conversation(in: state), context: TriageContext(now: Self.openTime), newCaseID: "case-2")
            #expect(decision.conversation.state.name == "closed" && !decision.openedCase, "\(state): \(text)")
            #expect(decision.messages.map(\.text) == [engine.script.goodbye.reply])
            #expect(decision.messages.first?.choices.map(\.data) == ["start:again"])
            let again = engine.decide(
                .choice(data: "start:again"), for: decision.conversation, context: TriageContext(now: Self.openTime), newCaseID: "case-2")
            #expect(again.openedCase && again.conversation.state == .topic, "a tap starts again")
        }
        let sticker = engine.decide(.sticker, for: Self.conversation(in: "closed"), context: TriageContext(now: Self.openTime), newCaseID: "case-2")
        #expect(sticker.actions.isEmpty && sticker.conversation.state.name == "closed")
        let substantive = engine.decide(
            .text("ありがとう、あと実はもう一つ相談があって"), for: Self.conversation(in: "closed"), context: TriageContext(now: Self.openTime), newCaseID: "case-2")
        #expect(substantive.openedCase && substantive.conversation.state == .topic)
    }

    @Test func noSatisfactionQuestionAfterAnEmergencyCase() {
        var conversation = Self.conversation(in: "active")
        conversation.currentCase?.emergency = "suicide"
        let closed = engine.decide(
            .closed(outcome: "resolved", referral: nil), for: conversation, context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(closed.messages.map(\.text) == [engine.script.closing])
        #expect(closed.conversation.state == .closed(outcome: "resolved", referral: nil))
        #expect(closed.conversation.currentCase?.closedAt == Self.openTime)
        let ordinary = engine.decide(
            .closed(outcome: "resolved", referral: nil), for: Self.conversation(in: "active"), context: TriageContext(now: Self.openTime),
            newCaseID: "x")
        #expect(ordinary.conversation.state == .survey)
    }

    @Test func theInformationMenuAnswersInAnyStateWithoutChangingIt() {
        for state in Self.states {
            let menu = engine.decide(.text("メニュー"), for: Self.conversation(in: state), context: TriageContext(now: Self.closedTime), newCaseID: "x")
            #expect(menu.conversation.state.name == state)
            #expect(menu.messages.first?.choices.map(\.data).contains("info:sanitary") == true)
            let hours = engine.decide(
                .choice(data: "info:hours"), for: Self.conversation(in: state), context: TriageContext(now: Self.closedTime), newCaseID: "x")
            #expect(hours.conversation.state.name == state)
            #expect(hours.messages.first?.text.contains("次の受付：11月30日(月) 10:00") == true)
        }
    }

    /// Consent typed as people type it (LINE for PC shows no buttons): yes and no in their common forms count;
    /// anything else gets the reminder, which says what to type.
    @Test(
        arguments: [
            ("はい", "topic"), ("うん", "topic"), ("OK", "topic"), ("ＯＫ！", "topic"), ("お願いします", "topic"),
            ("うん、お願いします", "topic"), ("はいー", "topic"), ("大丈夫です", "topic"),
            ("いいえ", "new"), ("やめとく", "new"), ("いまはいいです", "new"),
            ("大丈夫じゃない", "consent"), ("はい、ちょっと待って", "consent"), ("うーん、どうしようかな", "consent"), ("相談したいことがあります", "consent"),
        ])
    func typedConsent(text: String, state: String) {
        let decision = engine.decide(.text(text), for: Self.conversation(in: "consent"), context: TriageContext(now: Self.openTime), newCaseID: "c")
        #expect(decision.conversation.state.name == state, "\(text)")
        if state == "consent" { #expect(decision.messages.first?.text.contains("「はい」か「いいえ」") == true) }
        if state == "topic" { #expect(decision.conversation.hasConsented && decision.openedCase) }
    }

    @Test func writingInsteadOfChoosingIsAskedOnceThenDefaulted() {
        let context = TriageContext(now: Self.openTime)
        let first = engine.decide(.text("彼のことで悩んでて"), for: Self.conversation(in: "topic"), context: context, newCaseID: "x")
        #expect(first.conversation.state == .topic)
        #expect(first.actions.first == .record("彼のことで悩んでて"))
        let second = engine.decide(.text("うまく選べない"), for: first.conversation, context: context, newCaseID: "x")
        #expect(second.conversation.state == .urgency)
        #expect(second.conversation.currentCase?.topic == "other")
        // The urgency question gets its own reminder before a default is taken.
        let third = engine.decide(.text("わからない"), for: second.conversation, context: context, newCaseID: "x")
        #expect(third.conversation.state == .urgency)
        #expect(third.messages.first?.text == engine.script.choosePrompt)
    }

    @Test func theSurveyIsAskedAtCloseAndRecorded() {
        let context = TriageContext(now: Self.openTime)
        let closed = engine.decide(
            .closed(outcome: "resolved", referral: "hellowork"), for: Self.conversation(in: "active"), context: context, newCaseID: "x")
        #expect(closed.conversation.state == .survey)
        #expect(closed.conversation.currentCase?.referral == "hellowork")
        #expect(closed.messages.last?.choices.first?.data == "survey:good")
        let answered = engine.decide(.choice(data: "survey:good"), for: closed.conversation, context: context, newCaseID: "x")
        #expect(answered.conversation.state == .closed(outcome: "resolved", referral: "hellowork"))
        #expect(answered.conversation.currentCase?.satisfaction == "good")
    }

    @Test(arguments: [("生理用品ほしい", "sanitary"), ("居場所いつ？", "ibasho"), ("スーツ", "suits"), ("ナプキンどこでもらえる？", "sanitary")])
    func aShortMessageNamingAServiceIsAnsweredInAnyState(text: String, item: String) {
        let expected = engine.script.info.items.first { $0.id == item }!
        for state in Self.states {
            let decision = engine.decide(.text(text), for: Self.conversation(in: state), context: TriageContext(now: Self.openTime), newCaseID: "x")
            #expect(decision.conversation.state.name == state, "\(state): \(text)")
            let first = decision.messages.first?.text ?? ""
            #expect(first.hasPrefix(String(expected.text.prefix(8))), "\(state): \(first)")
            #expect(!decision.openedCase)
            if ["topic", "urgency", "queued", "active"].contains(state) {
                #expect(decision.actions.contains(.record(text)), "\(state): her question stays in her case for the counsellor")
            }
        }
    }

    @Test(arguments: ["生理がこなくて不安です", "面接用のスーツを買うお金がなくて、親にも頼れなくて困っています"])
    func aConsultationThatNamesAServiceIsStillAConsultation(_ text: String) {
        let decision = engine.decide(.text(text), for: Self.conversation(in: "closed"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(decision.conversation.state == .topic && decision.actions.contains(.record(text)))
    }

    @Test func aSuitRequestReachesACounsellorWithoutTheTriage() throws {
        let suits = engine.script.info.items.first { $0.id == "suits" }!
        let request = try #require(suits.request)
        // Asked for the first time: the privacy notice first, and the request waits for her answer.
        let first = engine.decide(
            .choice(data: "request:suits"), for: Conversation(), context: TriageContext(now: Self.openTime), newCaseID: "case-9")
        #expect(first.conversation.state == .consent && first.conversation.pendingRequest == "suits" && !first.openedCase)
        let agreed = engine.decide(.text("はい"), for: first.conversation, context: TriageContext(now: Self.openTime), newCaseID: "case-9")
        #expect(agreed.openedCase && agreed.conversation.state == .queued(priority: .normal))
        #expect(agreed.conversation.currentCase?.topic == "suits" && agreed.conversation.pendingRequest == nil)
        #expect(agreed.actions.contains(.record(request.record)))
        #expect(agreed.messages.first?.text == request.reply)
        // Typed, by someone who consulted before: straight to the queue.
        let typed = engine.decide(
            .text("スーツ借りたいです"), for: Self.conversation(in: "closed"), context: TriageContext(now: Self.openTime), newCaseID: "case-9")
        #expect(typed.openedCase && typed.conversation.currentCase?.topic == "suits" && typed.conversation.state == .queued(priority: .normal))
        // With a counsellor already: it joins her case.
        let live = engine.decide(
            .choice(data: "request:suits"), for: Self.conversation(in: "active"), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(live.actions.contains(.record(request.record)) && live.conversation.state == .active(counsellor: "c1"))
        // The button is under the item's text.
        let shown = engine.decide(.choice(data: "info:suits"), for: Conversation(), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(shown.messages.first?.choices.map(\.data) == ["request:suits"])
    }

    @Test func officeFactsAreFilledOrSaidToBeUnsetNeverInvented() throws {
        let shipped = engine.decide(.choice(data: "info:ways"), for: Conversation(), context: TriageContext(now: Self.openTime), newCaseID: "x")
        let text = shipped.messages.first?.text ?? ""
        #expect(!text.contains("{") && text.contains(engine.script.office.unset))
        #expect(engine.script.office.unsetKeys == ["counter", "dropins", "events", "localCentre", "phone", "sanitary"])
        var script = engine.script
        script.office.values["phone"] = "000-1111-2222（平日9時〜17時）"
        let filled = try TriageEngine(script: script).decide(
            .choice(data: "info:ways"), for: Conversation(), context: TriageContext(now: Self.openTime), newCaseID: "x")
        #expect(filled.messages.first?.text.contains("000-1111-2222（平日9時〜17時）") == true)
        script.info.items[0].text = "{office.fax}"
        #expect(script.validate().contains { $0.path == ["info", "items", "0", "text"] && $0.message.contains("office.fax") })
    }

    @Test func aLocalContactIsOfferedOnlyOnceTheOfficeHasSetIt() throws {
        let text = "彼氏に今殴られてる、トイレに隠れてる"
        let unset =
            engine.decide(.text(text), for: Conversation(), context: TriageContext(now: Self.openTime), newCaseID: "x").messages.first?.text ?? ""
        #expect(unset.contains("・警察 110") && !unset.contains("配偶者暴力相談支援センター") && !unset.contains("{office."), "\(unset)")
        let yaml = ScriptFixture.yaml.replacingOccurrences(of: "    localCentre: \"\"", with: "    localCentre: \"000-1111-2222（平日9時〜17時）\"")
        let filled = try ScriptFixture.engine(yaml: yaml)
        let set =
            filled.decide(.text(text), for: Conversation(), context: TriageContext(now: Self.openTime), newCaseID: "x").messages.first?.text ?? ""
        #expect(set.contains("・市の配偶者暴力相談支援センター 000-1111-2222（平日9時〜17時）"), "\(set)")
    }

    @Test func theContactsItemIsTheScriptsOneList() {
        let decision = engine.decide(
            .choice(data: "info:contacts"), for: Conversation(), context: TriageContext(now: Self.closedTime), newCaseID: "x")
        let text = decision.messages.first?.text ?? ""
        for contact in engine.script.emergency.contacts(for: nil) { #expect(text.contains(contact.number), "\(contact.name)") }
        #expect(!text.contains("0120-279-338"), "よりそいホットライン is unconfirmed and not in the script's list")
    }

    @Test func herFirstWordsAreHeldAndShownOnlyIfSheAgreesInTime() {
        let engine = ScriptFixture.rulesOnlyEngine  // The flow, whatever the model makes of the words.
        let story = "彼氏のことでずっと悩んでて、誰にも言えなくて"
        let first = engine.decide(.text(story), for: Conversation(), context: TriageContext(now: Self.openTime), newCaseID: "case-9")
        #expect(first.actions.contains(.holdWords(story)) && !first.actions.contains(.record(story)))
        #expect(first.conversation.heldSince == Self.openTime && first.conversation.state == .consent)
        let more = engine.decide(
            .text("どうしたらいいかわからない"), for: first.conversation, context: TriageContext(now: Self.openTime + 1_000), newCaseID: "case-9")
        #expect(more.actions.contains(.holdWords("どうしたらいいかわからない")) && more.conversation.heldSince == Self.openTime)

        let agreed = engine.decide(
            .choice(data: "consent:yes"), for: more.conversation, context: TriageContext(now: Self.openTime + 60_000), newCaseID: "case-9")
        #expect(agreed.openedCase && agreed.actions.first == .releaseHeldWords && agreed.conversation.heldSince == nil)

        let hold = Int64(engine.script.firstWords.holdMinutes) * 60_000
        let late = engine.decide(
            .choice(data: "consent:yes"), for: more.conversation, context: TriageContext(now: Self.openTime + hold + 1), newCaseID: "case-9")
        #expect(late.actions.contains(.dropHeldWords) && !late.actions.contains(.releaseHeldWords), "too late: destroyed, not shown")

        let declined = engine.decide(.text("いいえ"), for: more.conversation, context: TriageContext(now: Self.openTime + 60_000), newCaseID: "case-9")
        #expect(declined.actions.contains(.dropHeldWords) && declined.conversation.heldSince == nil)
        #expect(declined.messages.first?.text.hasSuffix(engine.script.firstWords.dropped) == true)

        let blocked = engine.decide(.unfollow, for: more.conversation, context: TriageContext(now: Self.openTime + 60_000), newCaseID: "case-9")
        #expect(blocked.actions.contains(.dropHeldWords))
        #expect(engine.welcomeText.contains("\(engine.script.firstWords.holdMinutes)分"), "the welcome tells her")
    }

    /// The rich menu is always under the chat: every area, tapped in every state, answers her (with a counsellor,
    /// 相談する changes nothing) and never loses her place.
    @Test(arguments: states)
    func everyRichMenuAreaAnswersInEveryState(state: String) {
        for area in engine.script.richMenu.areas {
            let decision = engine.decide(
                .choice(data: area.data), for: Self.conversation(in: state), context: TriageContext(now: Self.openTime), newCaseID: "case-2")
            if area.data.hasPrefix("start:") {
                switch state {
                case "new": #expect(decision.conversation.state == .consent)
                case "closed", "survey": #expect(decision.openedCase && decision.conversation.state == .topic, "\(state)")
                case "active": #expect(decision.messages.isEmpty && decision.conversation.state == .active(counsellor: "c1"))
                default: #expect(!decision.messages.isEmpty && decision.conversation.state.name == state, "\(state)")
                }
            } else {
                #expect(!decision.messages.isEmpty && decision.conversation.state.name == state, "\(state): \(area.label)")
            }
        }
    }

    @Test func aWomanStillWaitingIsToldWhenTheOfficeCloses() {
        let closing = JapanTime(date: CivilDate(year: 2026, month: 11, day: 30), minuteOfDay: 17 * 60).milliseconds + 1_000
        let told = engine.decide(.officeClosed, for: Self.conversation(in: "queued"), context: TriageContext(now: closing), newCaseID: "x")
        #expect(told.messages.map(\.text) == [engine.script.queue.officeClosed.replacing("{next_opening}", with: "12月1日(火) 10:00")])
        #expect(told.conversation.toldStillWaiting)
        for state in Self.states where state != "queued" {
            let decision = engine.decide(.officeClosed, for: Self.conversation(in: state), context: TriageContext(now: closing), newCaseID: "x")
            #expect(decision.actions.isEmpty && decision.conversation == Self.conversation(in: state), "\(state)")
        }
        // The service wakes at each closing: the end of the slot open now, or of the next one to open.
        #expect(
            engine.hours.nextClosing(after: Self.openTime)
                == JapanTime(date: CivilDate(year: 2026, month: 11, day: 30), minuteOfDay: 17 * 60).milliseconds)
        #expect(
            engine.hours.nextClosing(after: Self.closedTime)
                == JapanTime(date: CivilDate(year: 2026, month: 11, day: 30), minuteOfDay: 17 * 60).milliseconds)
    }

    /// The privacy notice says who reads, the limits of confidentiality, the history on her phone, what stays, and
    /// the retention period actually in force; and it fits one phone screen.
    @Test func thePrivacyNoticeIsTrueAndShort() throws {
        let engine = try TriageEngine(script: engine.script, retentionDays: 30)
        let welcome = engine.decide(.follow(unblocked: false), for: Conversation(), context: TriageContext(now: Self.openTime), newCaseID: "x")
        let text = welcome.messages.first?.text ?? ""
        for fact in ["相談員だけ", "命や安全", "18歳未満", "スマホに残ります", "統計", "30日後", "やめる"] {
            #expect(text.contains(fact), "\(fact)")
        }
        #expect(!text.contains("{") && !text.contains("90日"))
        #expect(text.count <= 400, "one phone screen: \(text.count) characters")
    }

    /// Nothing she reads asks for her name, address or phone number.
    @Test func theScriptNeverAsksForIdentifyingDetails() {
        let script = engine.script
        let texts =
            [
                engine.welcomeText, script.consent.text, script.topic.text, script.urgency.text, script.queued, script.outOfHours,
                script.stillWaiting, script.handoff, script.closing, script.survey.text, script.choosePrompt,
            ]
            + script.canned.map(\.text)  // The counsellors' templates reach her too.
        #expect(!script.canned.isEmpty)
        for text in texts {
            for request in ["名前を教えて", "住所を教えて", "電話番号を教えて", "お名前は", "ご住所", "連絡先を教えて"] {
                #expect(!text.contains(request), "\(text)")
            }
        }
    }
}
