import Foundation
import HTTPTypes
import HummingbirdTesting
import LineMessaging
import LineSandbox
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguServer
import TsunaguTesting

/// What she reads, end to end, in the moments that matter: scripted scenarios run through the real webhook
/// listener, triage, the outbox over libcurl and the LINE sandbox (counsellors through the staff API), and the
/// whole transcript as her phone shows it compared with a committed file under `docs/conversations/`, so anyone
/// can review what she reads and any change to it shows in review.
///
/// After an intended change to the wording or the flow, run the suite with `TSUNAGU_RECORD_TRANSCRIPTS=1` to
/// write the files again, and read their diff before committing it.
@Suite("Golden transcripts")
struct GoldenTranscriptTests {
    /// One step of a scenario.
    enum Step: Sendable {
        /// She types this.
        case writes(String)
        /// She taps the button with this label under the last message (the test fails if there is none).
        case taps(String)
        /// She sends something other than text.
        case sends(PhoneEvent)
        /// She taps the area of the rich menu (under the chat) with this label.
        case tapsRichMenu(String)
        /// A counsellor takes the case at the front of the queue.
        case counsellorClaims
        case counsellorReplies(String)
        case counsellorCloses(outcome: String)
    }

    struct Scenario: Sendable, CustomTestStringConvertible {
        /// The file's name under `docs/conversations/`, without `.md`.
        var file: String
        var title: String
        /// When it starts (Japan time): in or out of office hours.
        var at: Int64
        var steps: [Step]

        var testDescription: String { file }
    }

    static let inHours = ScriptFixture.openTime  // Monday 30 November 2026, 11:00.
    static let outOfHours = ScriptFixture.closedTime  // Sunday 29 November 2026, 20:00.

    /// Her steps to the queue, for scenarios about what comes after.
    static let toTheQueue: [Step] = [
        .writes("職場の人間関係のことで相談したいです"), .taps("はい、相談する"), .taps("仕事・就職"), .taps("今日中に話したい"),
    ]

    static let scenarios: [Scenario] = [
        Scenario(
            file: "01-first-contact-in-hours", title: "初めての相談（受付時間内）：同意、相談員との会話、アンケート、お礼", at: inHours,
            steps: toTheQueue + [
                .counsellorClaims, .counsellorReplies("はじめまして、相談員です。連絡してくれてありがとう。どんなことがあったか、話せるところから教えてくださいね。"),
                .writes("上司に毎日怒鳴られていて、つらいです"), .sends(.image),
                .counsellorReplies("画像はこちらでは見られないので、よければ文字で教えてくださいね。"),
                .counsellorCloses(outcome: "listened"), .taps("話せてよかった"), .writes("ありがとうございました！"), .sends(.sticker),
            ]),
        Scenario(
            file: "02-first-contact-out-of-hours", title: "初めての相談（受付時間外）：最初の返事で時間外と伝える", at: outOfHours,
            steps: [
                .writes("夜遅くにすみません、相談してもいいですか"), .writes("はい"), .writes("家族・パートナー"), .taps("いつでも大丈夫"),
                .writes("まだですか"),
            ]),
        Scenario(
            file: "03-consent-by-typing", title: "文字で同意する（ボタンが出ないLINE for PCなど）", at: inHours,
            steps: [.writes("相談したいです"), .writes("うーん"), .writes("うん、お願いします"), .writes("家族・パートナー")]),
        Scenario(
            file: "04-erasure-confirmed", title: "「やめる」：確認してから消す", at: inHours,
            steps: toTheQueue + [.writes("やめる"), .taps("消して終わる")]),
        Scenario(
            file: "05-erasure-cancelled", title: "消す依頼を取り消す／消す話は依頼ではない", at: inHours,
            steps: toTheQueue + [
                .writes("スマホのトーク履歴を消しても大丈夫？"), .writes("これまでの相談内容を消してください"), .writes("続ける"),
            ]),
        Scenario(
            file: "06-emergency-first-message-in-hours", title: "最初のメッセージが緊急（受付時間内）", at: inHours,
            steps: [.writes("今から死にます")]),
        Scenario(
            file: "07-emergency-out-of-hours", title: "緊急（受付時間外）：一度だけの安全の返事", at: outOfHours,
            steps: [.writes("彼氏に今殴られてる、トイレに隠れてる"), .writes("また来た、今殴られてる")]),
        Scenario(
            file: "08-emergency-during-live-talk", title: "相談員と話している最中の緊急：自動の返事はせず、相談員に知らせる", at: inHours,
            steps: toTheQueue + [.counsellorClaims, .counsellorReplies("はじめまして、相談員です。"), .writes("もう無理、今から死ぬ")]),
        Scenario(
            file: "09-minor-without-a-safe-place", title: "18歳未満、今夜いる場所がない", at: outOfHours,
            steps: [.writes("中2だけど家追い出されて今夜泊まるとこない")]),
        Scenario(
            file: "10-concern", title: "緊急ではない危険（いなくなりたい気持ち）：安全の確認をひとつ", at: inHours,
            steps: [.writes("最近ずっと消えたいって思ってる"), .writes("ありがとう、いまは家にいます")]),
        Scenario(
            file: "11-information-menu", title: "情報メニュー：どの状態でも、最初のメッセージでも", at: outOfHours,
            steps: [.writes("生理用品ほしい"), .writes("メニュー"), .taps("相談できる時間"), .writes("メニュー"), .taps("緊急の連絡先")]),
        Scenario(
            file: "12-suit-request", title: "スーツの貸し出し：相談ではなく依頼として相談員へ", at: inHours,
            steps: [.writes("スーツ"), .taps("スーツを借りたい"), .taps("はい、相談する")]),
        Scenario(
            file: "13-media", title: "画像・音声・位置情報・スタンプ：相談員には見えないことを伝える", at: inHours,
            steps: [
                .writes("相談したいです"), .taps("はい、相談する"), .sends(.image), .sends(.audio), .sends(.location), .sends(.sticker),
                .taps("その他"), .taps("今日中に話したい"), .counsellorClaims, .sends(.location),
            ]),
        Scenario(
            file: "14-rich-menu", title: "リッチメニュー：いつでも一度のタップで", at: inHours,
            steps: [
                .tapsRichMenu("いま危ないとき"), .tapsRichMenu("相談する"), .tapsRichMenu("情報メニュー"), .taps("女性の居場所"),
                .taps("はい、相談する"), .tapsRichMenu("相談する"),
            ]),
        Scenario(
            file: "15-announcements", title: "お知らせ：受け取るのも止めるのも彼女が選ぶ", at: inHours,
            steps: [.writes("居場所いつ？"), .taps("お知らせを受け取る"), .writes("居場所"), .taps("お知らせを止める"), .writes("イベント"), .taps("お知らせを受け取る"), .writes("お知らせ停止")]),
    ]

    @Test(arguments: scenarios)
    func transcript(of scenario: Scenario) async throws {
        let written = try await Self.run(scenario)
        let path = Self.directory.appendingPathComponent("\(scenario.file).md")
        if ProcessInfo.processInfo.environment["TSUNAGU_RECORD_TRANSCRIPTS"] == "1" {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try written.write(to: path, atomically: true, encoding: .utf8)
            return
        }
        let committed = try? String(contentsOf: path, encoding: .utf8)
        guard let committed else {
            Issue.record("docs/conversations/\(scenario.file).md is missing: run with TSUNAGU_RECORD_TRANSCRIPTS=1 and review it")
            return
        }
        if committed != written {
            let old = committed.components(separatedBy: "\n")
            let new = written.components(separatedBy: "\n")
            let line = zip(old, new).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(old.count, new.count)
            Issue.record(
                """
                docs/conversations/\(scenario.file).md differs from what she reads now, from line \(line + 1):
                committed: \(line < old.count ? old[line] : "(end)")
                now:       \(line < new.count ? new[line] : "(end)")
                If the change is intended, run with TSUNAGU_RECORD_TRANSCRIPTS=1 and review the diff.
                """)
        }
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/conversations")

    /// Runs `scenario` and returns its transcript as Markdown.
    static func run(_ scenario: Scenario) async throws -> String {
        let harness = try ConversationHarness(now: scenario.at)
        let counsellor = try await harness.base.addStaff("sato", .counsellor)
        let user = "Ugolden"
        let lines = Locked<[String]>([
            "# \(scenario.title)", "",
            "始まり：\(JapaneseWording.dateTime(scenario.at))（\(harness.engine.hours.status(at: scenario.at).isOpen ? "受付時間内" : "受付時間外")）。"
                + "`GoldenTranscriptTests` が実際のサーバーとLINEの代役で動かし、彼女のスマホに届いたとおりに書き出したものです。",
            "",
        ])
        try await harness.run { phone in
            try await harness.base.staffApp().test(.router) { client in
                let staff = CaseDeskTests.Staff(client: client, token: counsellor)
                var handle = ""
                for step in scenario.steps {
                    let before = phone.sandbox.deliveries(to: user).count
                    var author = "Tsunagu"
                    switch step {
                    case .writes(let text):
                        lines.withLock { $0 += ["**彼女**：\(text)", ""] }
                        try await phone.send(.text(text), from: user)
                    case .taps(let label):
                        let button = phone.sandbox.deliveries(to: user).last?.message.quickReply.first { $0.label == label }
                        guard case .postback(let data, _)? = button?.action else {
                            Issue.record("\(scenario.file): no button 「\(label)」 under the last message")
                            return
                        }
                        lines.withLock { $0 += ["**彼女**（ボタン）：\(label)", ""] }
                        try await phone.send(.postback(data), from: user)
                    case .tapsRichMenu(let label):
                        guard let area = harness.engine.script.richMenu.areas.first(where: { $0.label == label }) else {
                            Issue.record("\(scenario.file): no rich menu area 「\(label)」")
                            return
                        }
                        lines.withLock { $0 += ["**彼女**（リッチメニュー）：\(label)", ""] }
                        try await phone.send(.postback(area.data), from: user)
                    case .sends(let event):
                        lines.withLock { $0 += ["**彼女**：\(Self.describe(event))", ""] }
                        try await phone.send(event, from: user)
                    case .counsellorClaims:
                        let claimed = try await staff.claim()
                        handle = (try? claimed.decode(CaseSummary.self).handle) ?? ""
                        #expect(claimed.status == .ok, "\(scenario.file): claim")
                        lines.withLock { $0 += ["*（相談員が担当する）*", ""] }
                    case .counsellorReplies(let text):
                        author = "相談員"
                        let body = String(decoding: try JSONEncoder().encode(["text": text]), as: UTF8.self)
                        #expect(try await staff.call(.post, "/api/v1/cases/\(handle)/reply", body).status == .ok, "\(scenario.file): reply")
                    case .counsellorCloses(let outcome):
                        #expect(try await staff.call(.post, "/api/v1/cases/\(handle)/close", #"{"outcome":"\#(outcome)"}"#).status == .ok)
                        lines.withLock { $0 += ["*（相談員が相談を終える）*", ""] }
                    }
                    let settled = await eventually {
                        let inbox = try? await harness.base.dependencies.inbox.counts().pending
                        let outbox = try? await harness.base.dependencies.outbox.pendingCount()
                        return inbox == 0 && outbox == 0
                    }
                    #expect(settled, "\(scenario.file): the answer to a step never settled")
                    for delivery in phone.sandbox.deliveries(to: user).dropFirst(before) {
                        lines.withLock { $0 += Self.render(delivery.message, from: author) }
                    }
                }
            }
        }
        return lines.value.joined(separator: "\n")
    }

    static func describe(_ event: PhoneEvent) -> String {
        switch event {
        case .image: "［画像］"
        case .audio: "［音声メッセージ］"
        case .location: "［位置情報］"
        case .sticker: "［スタンプ］"
        default: "［\(event)］"
        }
    }

    /// One message as her phone shows it: the text, and its buttons underneath.
    static func render(_ message: OutgoingMessage, from author: String) -> [String] {
        var lines = ["**\(author)**："] + message.text.components(separatedBy: "\n").map { $0.isEmpty ? ">" : "> \($0)" }
        if !message.quickReply.isEmpty {
            lines += [">", "> " + message.quickReply.map { "〔\($0.label)〕" }.joined(separator: " ")]
        }
        return lines + [""]
    }
}
