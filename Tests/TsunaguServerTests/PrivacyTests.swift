import Foundation
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import LineMessaging
import Logging
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// Nothing identifying leaves the process or rests in clear: checked on the real request path.
@Suite("Privacy at the ingress")
struct PrivacyTests {
    static let userID = "U" + "c0ffee" + String(repeating: "5a", count: 13) + "d"
    static let text = "誰にも言えない相談があります-7Q"
    static let replyToken = "replytoken-9d8f7e6a5b4c3d2e1f"

    static func body(eventID: String = ULIDLike.make()) -> Data {
        WebhookFixtures.body(events: [
            WebhookFixtures.textEvent(userID: userID, text: text, eventID: eventID, replyToken: replyToken),
            WebhookFixtures.groupTextEvent(groupID: "C" + String(repeating: "ab", count: 16), userID: userID, text: text),
        ])
    }

    /// The strings that must never appear outside the sealed event.
    static var secrets: [String] { [userID, text, replyToken, TestSecrets.channelSecret, TestSecrets.dataKeyBase64] }

    @Test("the inbox keeps the user id, text and reply token only sealed, bound to the event id")
    func sealedAtRest() async throws {
        let dataKey = DataKey(base64: TestSecrets.dataKeyBase64)!
        let inbox = InMemoryInboxStore()
        let ingestor = WebhookIngestor(channelSecret: TestSecrets.channelSecret, dataKey: dataKey, inbox: inbox, clock: RealTime.clock)
        let body = Self.body()
        #expect(try await ingestor.ingest(body: body, signatureHeader: WebhookFixtures().sign(body)) == .accepted(stored: 2, duplicates: 0))

        let stored = await inbox.storedEvents()
        #expect(stored.map(\.sourceKind) == [.user, .group])
        let user = try #require(stored.first)
        #expect(user.conversation == Pseudonymizer(dataKey: dataKey).pseudonym(of: Self.userID))
        #expect(user.conversation?.rawValue.count == 32)
        let opened = try EventSealer(dataKey: dataKey).open(user.sealedEvent, boundTo: user.eventID)
        #expect(String(decoding: opened, as: UTF8.self).contains(Self.text))
        #expect(throws: (any Error).self) { try EventSealer(dataKey: dataKey).open(user.sealedEvent, boundTo: stored[1].eventID) }
        for event in stored {
            let clear = [event.eventID, event.eventType, event.conversation?.rawValue ?? "", event.sourceKind.rawValue]
            for secret in Self.secrets { #expect(!clear.contains { $0.contains(secret) }) }
        }
    }

    @Test("the database files hold no user id, text or reply token in clear")
    func noPlaintextInDatabaseFiles() async throws {
        let harness = try TestHarness()
        try await harness.webhookApp().test(.router) { client in
            expectStatus(.ok, try await client.postWebhook(Self.body()))
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: harness.directory.url.path)
        #expect(files.contains("tsunagu.sqlite"))
        for file in files {
            let bytes = try Data(contentsOf: harness.directory.url.appendingPathComponent(file))
            for secret in Self.secrets {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds a secret in clear")
            }
        }
    }

    @Test("no log line of a full request cycle, at trace level, carries a user id, text, token or secret")
    func logsCarryNoPersonalData() async throws {
        let harness = try TestHarness()
        let eventID = ULIDLike.make()
        try await harness.webhookApp().test(.router) { client in
            expectStatus(.ok, try await client.postWebhook(Self.body(eventID: eventID)))
            expectStatus(.ok, try await client.postWebhook(Self.body(eventID: eventID)))  // duplicates get logged
            expectStatus(.unauthorized, try await client.postWebhook(Self.body(), signature: "forged"))
            expectStatus(.badRequest, try await client.postWebhook(Data(Self.text.utf8)))
        }
        try await harness.staffApp().test(.router) { client in
            _ = try await client.execute(uri: "/metrics", method: .get)
        }
        let entries = harness.logs.entries
        #expect(!entries.isEmpty, "the request cycle logged nothing, so this test would prove nothing")
        for entry in entries {
            let line = "\(entry.message) \(entry.metadata) \(String(describing: entry.error))"
            for secret in Self.secrets { #expect(!line.contains(secret), "log line leaks: \(entry.message)") }
        }
    }

    @Test("the metrics page carries no user id, text or token")
    func metricsCarryNoPersonalData() async throws {
        let harness = try TestHarness()
        try await harness.webhookApp().test(.router) { client in
            _ = try await client.postWebhook(Self.body())
        }
        try await harness.staffApp().test(.router) { client in
            let page = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(page.contains("tsunagu_webhook_events_total"))
            for secret in Self.secrets { #expect(!page.contains(secret)) }
        }
    }
}
