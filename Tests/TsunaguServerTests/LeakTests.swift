import Foundation
import InMemoryLogging
import LineMessaging
import LineSandbox
import Prometheus
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// After scripted conversations, the raw bytes of the database, its WAL and shared-memory files, and every log
/// line captured at trace level hold no LINE user id and none of the texts she wrote.
@Suite("Leak test")
struct LeakTests {
    static let users = ["U4f8e2c1d9b7a60e5c3f1a2b4d6e8f0a1", "U0a1b2c3d4e5f60718293a4b5c6d7e8f9", "Uffeeddccbbaa99887766554433221100"]
    /// Writes her story before answering the privacy notice, and does not answer: her words are held on disk.
    static let heldUser = "U9a8b7c6d5e4f30211203f4e5d6c7b8a9"
    static let texts = [
        "彼氏のスマホを見たら知らない女性とのやりとりがあった",
        "バイトのシフトが多すぎて課題が終わらない",
        "母の再婚相手と同じ家にいるのがつらい",
        "奨学金の返済が追いつかなくて家賃が払えない",
        "この文章はあとで取り消します",
        "今夜もう死のうと思ってる",
        "誰にも言えなかったことを最初にぜんぶ書いておきます",
    ]

    @Test func noUserIDOrTextInTheDatabaseFilesOrTheLogs() async throws {
        // The rules alone: this test follows a fixed flow, and the model's reading of ordinary sentences may change.
        let harness = try ConversationHarness(engine: ScriptFixture.rulesOnlyEngine)
        try await harness.run { phone in
            for (index, user) in Self.users.enumerated() {
                var expected = 0
                func step(_ event: PhoneEvent, _ replies: Int) async throws {
                    try await phone.send(event, from: user)
                    expected += replies
                    await phone.waitForMessages(expected, to: user)
                }
                try await step(.follow(unblocked: false), 2)
                try await step(.postback("consent:yes"), 1)
                try await step(.text(Self.texts[index]), 2)  // Written instead of choosing: a nudge and the question again.
                try await step(.postback("topic:other"), 1)
                try await step(.postback("urgency:today"), 1)
                try await step(.text(Self.texts[3]), 1)
                let unsent = phone.sandbox.event(.text(Self.texts[4]), from: user)
                let (body, signature) = phone.sandbox.signed([unsent])
                try await phone.client.postWebhook(body, signature: signature)
                try await phone.send(.unsend(messageID: unsent["message"]?["id"]?.stringValue ?? ""), from: user)
                if index == 1 { try await step(.text(Self.texts[5]), 1) }  // Emergency: the contacts at once.
                if index == 2 {
                    try await step(.text("やめる"), 1)
                    try await step(.postback("erase:yes"), 1)
                }
            }
            try await phone.send(.text(Self.texts[6]), from: Self.heldUser)
            await phone.waitForMessages(2, to: Self.heldUser)
            #expect(await eventually { (try? await harness.base.dependencies.inbox.counts().pending) == 0 })
        }
        let needles = (Self.users + [Self.heldUser] + Self.texts).map { Array($0.utf8) }
        // A positive control: the clear topic id 'other' is stored, and the search must find it.
        var controlFound = false
        var searched = 0
        for suffix in ["", "-wal", "-shm", "-journal"] {
            guard let bytes = FileManager.default.contents(atPath: harness.base.database.path + suffix) else { continue }
            searched += bytes.count
            let haystack = Array(bytes)
            controlFound = controlFound || contains(haystack, Array("other".utf8))
            for needle in needles {
                #expect(!contains(haystack, needle), "\(suffix.isEmpty ? "database" : suffix) holds \(String(decoding: needle, as: UTF8.self))")
            }
        }
        #expect(searched > 100_000, "the files searched are too small to prove anything")
        #expect(controlFound, "the search did not even find a value stored in clear")

        // The metrics page, which counts emergency alerts without telling their kind.
        let page = harness.metrics.registry.emitToString()
        #expect(page.contains("tsunagu_emergency_alerts_total"))
        #expect(!page.contains("category"))
        for needle in Self.users + [Self.heldUser] + Self.texts { #expect(!page.contains(needle), "the metrics page leaks") }

        let entries = harness.base.logs.entries
        #expect(!entries.isEmpty)
        for entry in entries {
            let line = "\(entry.message) \(entry.metadata) \(String(describing: entry.error))"
            for needle in Self.users + [Self.heldUser] + Self.texts { #expect(!line.contains(needle), "log line leaks: \(entry.message)") }
        }
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
