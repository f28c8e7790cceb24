import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TsunaguServer
import TsunaguTesting

@Suite("Health and metrics")
struct StaffRouteTests {
    struct Health: Decodable, Equatable {
        var status: String
        var version: String
        var database: String
    }

    @Test("GET /healthz answers on both listeners with the version and the database status")
    func health() async throws {
        let harness = try TestHarness()
        for app in [AnyApp(harness.webhookApp()), AnyApp(harness.staffApp())] {
            try await app.test { client in
                let response = try await client.execute(uri: "/healthz", method: .get)
                #expect(response.status == .ok)
                let health = try JSONDecoder().decode(Health.self, from: Data(String(buffer: response.body).utf8))
                #expect(health == Health(status: "ok", version: TsunaguVersion.current, database: "ok"))
            }
        }
    }

    @Test("GET /metrics counts requests by status, events by outcome, and the pending inbox")
    func metrics() async throws {
        let harness = try TestHarness()
        let event = WebhookFixtures.textEvent(userID: TestSecrets.userID(1), text: "a")
        try await harness.webhookApp().test(.router) { client in
            _ = try await client.postWebhook(WebhookFixtures.body(events: [event]))
            _ = try await client.postWebhook(WebhookFixtures.body(events: [event]))
            _ = try await client.postWebhook(WebhookFixtures.body(events: [event]), signature: "nope")
        }
        try await harness.staffApp().test(.router) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            let page = String(buffer: response.body)
            #expect(page.contains(#"tsunagu_webhook_requests_total{status="200"} 2"#))
            #expect(page.contains(#"tsunagu_webhook_requests_total{status="401"} 1"#))
            #expect(page.contains(#"tsunagu_webhook_events_total{outcome="stored"} 1"#))
            #expect(page.contains(#"tsunagu_webhook_events_total{outcome="duplicate"} 1"#))
            #expect(page.contains("tsunagu_inbox_pending 1"))
            #expect(page.contains("tsunagu_outbox_pending 0"))
            #expect(page.contains("tsunagu_webhook_request_duration_seconds_bucket"))
        }
    }

    @Test("POST /metrics is 405")
    func metricsMethod() async throws {
        let harness = try TestHarness()
        try await harness.staffApp().test(.router) { client in
            expectStatus(.methodNotAllowed, try await client.execute(uri: "/metrics", method: .post))
        }
    }
}

/// Lets one loop test two applications of different concrete types.
struct AnyApp {
    let run: (@Sendable (any TestClientProtocol) async throws -> Void) async throws -> Void
    init(_ app: some ApplicationProtocol) {
        run = { body in try await app.test(.router) { client in try await body(client) } }
    }
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws { try await run(body) }
}
