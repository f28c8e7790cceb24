import Foundation
import Hummingbird
import HummingbirdTesting
import LineMessaging
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

@Suite("POST /webhook")
struct WebhookRouteTests {
    @Test("a signed event is stored before the 200")
    func storesSignedEvent() async throws {
        let harness = try TestHarness()
        let body = WebhookFixtures.body(events: [WebhookFixtures.textEvent(userID: TestSecrets.userID(1), text: "こんにちは")])
        try await harness.webhookApp().test(.router) { client in
            let response = try await client.postWebhook(body)
            #expect(response.status == .ok)
        }
        #expect(try await harness.counts() == InboxCounts(stored: 1, duplicates: 0, pending: 1, processed: 0))
    }

    @Test("the signature header is found whatever its casing", arguments: ["X-Line-Signature", "X-LINE-SIGNATURE", "x-line-signature"])
    func headerCasing(_ name: String) async throws {
        let harness = try TestHarness()
        let body = WebhookFixtures.body(events: [WebhookFixtures.textEvent(userID: TestSecrets.userID(1), text: "a")])
        try await harness.webhookApp().test(.router) { client in
            expectStatus(.ok, try await client.postWebhook(body, signatureHeaderName: name))
        }
        #expect(try await harness.counts().stored == 1)
    }

    @Test("a missing or wrong signature gets 401 with an empty body and changes nothing")
    func unauthorized() async throws {
        let harness = try TestHarness()
        let body = WebhookFixtures.body(events: [WebhookFixtures.textEvent(userID: TestSecrets.userID(1), text: "a")])
        let forged = WebhookFixtures(channelSecret: "another secret").sign(body)
        let tampered = Data(body.dropLast(3) + Data("  }".utf8))
        try await harness.webhookApp().test(.router) { client in
            for response in [
                try await client.postWebhook(body, sign: false),
                try await client.postWebhook(body, signature: ""),
                try await client.postWebhook(body, signature: forged),
                try await client.postWebhook(body, signature: "%%%not-base64%%%"),
                try await client.postWebhook(tampered, signature: WebhookFixtures().sign(body)),
            ] {
                #expect(response.status == .unauthorized)
                #expect(response.body.readableBytes == 0)
            }
        }
        #expect(try await harness.counts().stored == 0)
    }

    @Test("a signed body that is not a webhook request gets 400 and changes nothing")
    func malformed() async throws {
        let harness = try TestHarness()
        try await harness.webhookApp().test(.router) { client in
            for text in ["not json", "{}", #"{"events":[{"type":"message"}]}"#, "[1,2,3]"] {
                let response = try await client.postWebhook(Data(text.utf8))
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("not a LINE webhook request"))
            }
        }
        #expect(try await harness.counts().stored == 0)
    }

    @Test("a body over the cap gets 413, declared or not, and changes nothing")
    func tooLarge() async throws {
        let harness = try TestHarness(maxBodyBytes: 4096)
        let big = WebhookFixtures.body(events: [
            WebhookFixtures.textEvent(userID: TestSecrets.userID(1), text: String(repeating: "あ", count: 3000))
        ])
        try await harness.webhookApp().test(.router) { client in
            expectStatus(.contentTooLarge, try await client.postWebhook(big))
        }
        #expect(try await harness.counts().stored == 0)
    }

    @Test("other methods on /webhook get 405 with Allow: POST", arguments: [HTTPRequest.Method.get, .put, .delete, .patch])
    func methodNotAllowed(_ method: HTTPRequest.Method) async throws {
        let harness = try TestHarness()
        try await harness.webhookApp().test(.router) { client in
            let response = try await client.execute(uri: "/webhook", method: method)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "POST")
        }
    }

    @Test("the console's verify request (no events) gets 200 and stores nothing")
    func verifyRequest() async throws {
        let harness = try TestHarness()
        try await harness.webhookApp().test(.router) { client in
            expectStatus(.ok, try await client.postWebhook(WebhookFixtures.body(events: [])))
        }
        #expect(try await harness.counts() == InboxCounts(stored: 0, duplicates: 0, pending: 0, processed: 0))
    }

    @Test("a batch from several users stores every event; a redelivery is acknowledged and stored once")
    func batchAndRedelivery() async throws {
        let harness = try TestHarness()
        let events = (1...5).map { WebhookFixtures.textEvent(userID: TestSecrets.userID($0), text: "相談 \($0)") }
        let redelivered = events.map { event -> JSONValue in
            guard case .object(var members) = event else { return event }
            members["deliveryContext"] = .object(["isRedelivery": .bool(true)])
            return .object(members)
        }
        try await harness.webhookApp().test(.router) { client in
            expectStatus(.ok, try await client.postWebhook(WebhookFixtures.body(events: events)))
            expectStatus(.ok, try await client.postWebhook(WebhookFixtures.body(events: redelivered)))
            expectStatus(.ok, try await client.postWebhook(WebhookFixtures.body(events: [events[0]])))
        }
        #expect(try await harness.counts() == InboxCounts(stored: 5, duplicates: 6, pending: 5, processed: 0))
    }

    @Test("an unknown event type is stored with the others and the request still gets 200")
    func unknownType() async throws {
        let harness = try TestHarness()
        let unknown = JSONValue.object([
            "type": .string("greatNewFeature"), "timestamp": .integer(1), "mode": .string("active"),
            "webhookEventId": .string(ULIDLike.make()), "deliveryContext": .object(["isRedelivery": .bool(false)]),
        ])
        let body = WebhookFixtures.body(events: [unknown, WebhookFixtures.textEvent(userID: TestSecrets.userID(1), text: "a")])
        try await harness.webhookApp().test(.router) { client in
            expectStatus(.ok, try await client.postWebhook(body))
        }
        #expect(try await harness.counts().stored == 2)
    }

    @Test("every official sample body is accepted", arguments: (try? OfficialSamples.bodyFiles()) ?? [])
    func officialSamples(_ file: URL) async throws {
        let harness = try TestHarness(maxBodyBytes: 1 << 20)
        let body = try Data(contentsOf: file)
        try await harness.webhookApp().test(.router) { client in
            expectStatus(.ok, try await client.postWebhook(body))
        }
        #expect(try await harness.counts().stored >= 1)
    }

    @Test("when the inbox cannot store, the answer is 500 so that LINE redelivers, and it names no data")
    func storeFailure() async throws {
        struct DiskFull: Error {}
        let harness = try TestHarness()
        let inbox = InMemoryInboxStore()
        await inbox.setFailNextAppend(DiskFull())
        var stores = StoreSet.sqlite(harness.database)
        stores.inbox = inbox
        let dependencies = ServerDependencies(
            stores: stores, channelSecret: TestSecrets.channelSecret,
            dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!, clock: RealTime.clock)
        let app = Application(router: buildWebhookRouter(dependencies: dependencies, maxBodyBytes: 65536), logger: harness.logger)
        let body = WebhookFixtures.body(events: [WebhookFixtures.textEvent(userID: TestSecrets.userID(9), text: "秘密の相談")])
        try await app.test(.router) { client in
            let failed = try await client.postWebhook(body)
            #expect(failed.status == .internalServerError)
            #expect(!String(buffer: failed.body).contains(TestSecrets.userID(9)))
            expectStatus(.ok, try await client.postWebhook(body))
        }
        #expect(await inbox.storedEvents().count == 1)
    }
}
