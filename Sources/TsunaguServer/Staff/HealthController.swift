public import Hummingbird
import HTTPTypes

/// `GET /healthz` on both listeners: 200 with the version and the database status (at most a second old),
/// 503 when the database does not answer, so a load balancer takes the instance out.
public struct HealthController<Context: RequestContext>: Sendable {
    let probe: DatabaseHealthProbe

    public init(isHealthy: @escaping @Sendable () async -> Bool) { self.probe = DatabaseHealthProbe(isHealthy: isHealthy) }

    struct Health: ResponseEncodable {
        var status: String
        var version: String
        var database: String
    }

    public func addRoutes(to router: Router<Context>) {
        router.get("/healthz") { _, _ -> EditedResponse<Health> in
            let healthy = await probe.isHealthy()
            return EditedResponse(
                status: healthy ? .ok : .serviceUnavailable,
                response: Health(status: healthy ? "ok" : "degraded", version: TsunaguVersion.current, database: healthy ? "ok" : "unavailable"))
        }
    }
}
