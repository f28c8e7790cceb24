public import Hummingbird
import HTTPTypes
public import TsunaguCore
import Prometheus

/// `GET /metrics` on the staff listener: Prometheus text. Gauges that mirror durable state (the pending
/// inbox and outbox) are read from the database at scrape time, so they are right across restarts and instances.
public struct MetricsController<Context: RequestContext>: Sendable {
    let metrics: TsunaguMetrics
    let inbox: any InboxStore
    let outbox: any OutboxStore

    public init(metrics: TsunaguMetrics, inbox: any InboxStore, outbox: any OutboxStore) {
        self.metrics = metrics
        self.inbox = inbox
        self.outbox = outbox
    }

    public func addRoutes(to router: Router<Context>) {
        router.get("/metrics") { _, _ -> Response in
            if let counts = try? await inbox.counts() { metrics.setInboxPending(counts.pending) }
            if let pending = try? await outbox.pendingCount() { metrics.setOutboxPending(pending) }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
    }
}
