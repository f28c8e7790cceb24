import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing
import TsunaguCoreTesting
import TsunaguServer
import TsunaguTesting

@Suite("Health and metrics")
struct StaffRouteTests {
    struct Health: Decodable, Equatable {
        var status: String
        var version: String?
        var database: String
    }

    @Test("GET /healthz answers on both listeners with the database status, and only the staff listener tells the version")
    func health() async throws {
        let harness = try TestHarness()
        let apps = [(AnyApp(harness.webhookApp()), nil), (AnyApp(harness.staffApp()), TsunaguVersion.current)]
        for (app, version) in apps {
            try await app.test { client in
                let response = try await client.execute(uri: "/healthz", method: .get)
                #expect(response.status == .ok)
                let health = try JSONDecoder().decode(Health.self, from: Data(String(buffer: response.body).utf8))
                #expect(health == Health(status: "ok", version: version, database: "ok"))
                #expect(!String(buffer: response.body).contains(TsunaguVersion.current) || version != nil)
            }
        }
    }

    @Test("GET /metrics with a token configured answers 401 without it or with another, and the page with it")
    func metricsToken() async throws {
        let harness = try TestHarness()
        try await harness.staffApp(metricsAccess: MetricsAccess(token: "scrape-secret", staffHost: "127.0.0.1")).test(.router) { client in
            for header in [nil, "Bearer nope", "Basic scrape-secret", "Bearer scrape-secre"] {
                var headers = HTTPFields()
                if let header { headers[.authorization] = header }
                let response = try await client.execute(uri: "/metrics", method: .get, headers: headers)
                expectStatus(.unauthorized, response)
                #expect(!String(buffer: response.body).contains("tsunagu_"))
            }
            let response = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer scrape-secret"])
            expectStatus(.ok, response)
            #expect(String(buffer: response.body).contains("tsunagu_inbox_pending"))
        }
    }

    @Test(
        "GET /metrics without a token is served on a loopback staff listener only",
        arguments: [
            ("127.0.0.1", true), ("localhost", true), ("::1", true), ("0.0.0.0", false), ("10.0.1.5", false), ("staff.example.city", false),
        ])
    func metricsWithoutToken(host: String, served: Bool) async throws {
        let harness = try TestHarness()
        try await harness.staffApp(metricsAccess: MetricsAccess(token: nil, staffHost: host)).test(.router) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == (served ? .ok : .notFound))
        }
    }

    @Test("The emergency count is one series without a category")
    func emergencyUnlabelled() async throws {
        let metrics = TsunaguMetrics()
        let page = metrics.registry.emitToString()
        #expect(page.contains("tsunagu_emergency_alerts_total 0"))
        #expect(!page.contains("tsunagu_emergency_alerts_total{"))
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
