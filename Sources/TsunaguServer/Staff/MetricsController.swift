import HTTPTypes
public import Hummingbird
import Prometheus
public import TsunaguCore

/// `GET /metrics` on the staff listener: Prometheus text, to whom ``MetricsAccess`` admits (401 to others; 404
/// when it is off). Gauges that mirror durable state (the pending inbox and outbox) are read from the database at
/// scrape time, so they are right across restarts and instances.
public struct MetricsController<Context: RequestContext>: Sendable {
    let metrics: TsunaguMetrics
    let inbox: any InboxStore
    let outbox: any OutboxStore
    let access: MetricsAccess

    public init(metrics: TsunaguMetrics, inbox: any InboxStore, outbox: any OutboxStore, access: MetricsAccess) {
        self.metrics = metrics
        self.inbox = inbox
        self.outbox = outbox
        self.access = access
    }

    public func addRoutes(to router: Router<Context>) {
        guard access != .off else { return }
        router.get("/metrics") { request, _ -> Response in
            guard access.admits(authorization: request.headers[.authorization]) else {
                return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"])
            }
            if let counts = try? await inbox.counts() { metrics.setInboxPending(counts.pending) }
            if let pending = try? await outbox.pendingCount() { metrics.setOutboxPending(pending) }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
    }
}
