import CoreMetrics
public import Prometheus

/// The server's metrics, in a registry the server owns (not the process-global one), so each app instance,
/// and each test, has its own.
///
/// Labels carry only fixed vocabularies (HTTP status codes, outcome names), never an id, text or token.
public final class TsunaguMetrics: Sendable {
    /// What `GET /metrics` renders.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let requestsByStatus: CounterFamily
    private let events: CounterFamily
    private let inboxPending: CoreMetrics.Gauge
    private let requestDuration: CoreMetrics.Timer
    private let outboxResults: CounterFamily
    private let outboxPending: CoreMetrics.Gauge
    private let outboxSendDuration: CoreMetrics.Timer
    private let monthlyPushes: CoreMetrics.Gauge
    private let monthlyPushQuotaUsed: CoreMetrics.Gauge
    private let triageEvents: CounterFamily
    private let emergencyAlerts: CoreMetrics.Counter

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500),
        ]
        self.factory = factory
        self.requestsByStatus = CounterFamily(label: "tsunagu_webhook_requests_total", dimension: "status", factory: factory)
        self.events = CounterFamily(label: "tsunagu_webhook_events_total", dimension: "outcome", factory: factory)
        self.outboxResults = CounterFamily(label: "tsunagu_outbox_messages_total", dimension: "result", factory: factory)
        self.triageEvents = CounterFamily(label: "tsunagu_triage_events_total", dimension: "result", factory: factory)
        // One series, no category: a live count labelled by kind would tell when, and what kind of, emergency was
        // just written. The statistics report categories, per month and with small cells suppressed.
        self.emergencyAlerts = Counter(label: "tsunagu_emergency_alerts_total", factory: factory)
        triageEvents.increment("processed", by: 0)
        triageEvents.increment("failed", by: 0)
        // Both outcomes are shown from the start, at zero, so a dashboard need not wait for the first repeat.
        events.increment("stored", by: 0)
        events.increment("duplicate", by: 0)
        self.inboxPending = Gauge(label: "tsunagu_inbox_pending", factory: factory)
        self.requestDuration = Timer(label: "tsunagu_webhook_request_duration_seconds", factory: factory)
        self.outboxPending = Gauge(label: "tsunagu_outbox_pending", factory: factory)
        self.outboxSendDuration = Timer(label: "tsunagu_outbox_send_duration_seconds", factory: factory)
        self.monthlyPushes = Gauge(label: "tsunagu_outbox_monthly_pushes", factory: factory)
        self.monthlyPushQuotaUsed = Gauge(label: "tsunagu_outbox_monthly_push_quota_used_ratio", factory: factory)
    }

    /// Pushes accepted this month, and their share of the plan's quota (when one is configured).
    func setMonthlyPushes(_ pushes: Int, quota: Int) {
        monthlyPushes.record(pushes)
        if quota > 0 { monthlyPushQuotaUsed.record(Double(pushes) / Double(quota)) }
    }

    /// Counts one outbox attempt by what became of it: `delivered`, `retried`, `deadLettered`, `withheld`.
    func recordOutboxResult(_ result: String) {
        outboxResults.increment(result)
    }

    /// How long one call to LINE took.
    func recordOutboxSend(duration: Duration) {
        outboxSendDuration.record(duration)
    }

    func setOutboxPending(_ count: Int) {
        outboxPending.record(count)
    }

    /// Counts one webhook request by its response status and records how long it took.
    func recordWebhookRequest(status: Int, duration: Duration) {
        requestsByStatus.increment(String(status))
        requestDuration.record(duration)
    }

    func recordEvents(stored: Int, duplicates: Int) {
        if stored > 0 { events.increment("stored", by: stored) }
        if duplicates > 0 { events.increment("duplicate", by: duplicates) }
    }

    func setInboxPending(_ count: Int) {
        inboxPending.record(count)
    }

    /// Counts inbox events triage processed, or could not process (they are retried).
    func recordTriage(processed: Int, failed: Int) {
        if processed > 0 { triageEvents.increment("processed", by: processed) }
        if failed > 0 { triageEvents.increment("failed", by: failed) }
    }

    /// Counts an emergency alert, whatever its category.
    func recordEmergencyAlert() {
        emergencyAlerts.increment()
    }
}
