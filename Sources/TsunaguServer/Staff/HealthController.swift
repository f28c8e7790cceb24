import HTTPTypes
public import Hummingbird

/// `GET /healthz` on both listeners: 200 with the database status (at most a second old), 503 when the database
/// does not answer, so a load balancer takes the instance out. Only the staff listener adds the version: on the
/// public listener it would tell anyone which vulnerabilities to try.
public struct HealthController<Context: RequestContext>: Sendable {
    let probe: DatabaseHealthProbe
    let showsVersion: Bool

    public init(isHealthy: @escaping @Sendable () async -> Bool, showsVersion: Bool) {
        self.probe = DatabaseHealthProbe(isHealthy: isHealthy)
        self.showsVersion = showsVersion
    }

    struct Health: ResponseEncodable {
        var status: String
        var version: String?
        var database: String
    }

    public func addRoutes(to router: Router<Context>) {
        router.get("/healthz") { _, _ -> EditedResponse<Health> in
            let healthy = await probe.isHealthy()
            return EditedResponse(
                status: healthy ? .ok : .serviceUnavailable,
                response: Health(
                    status: healthy ? "ok" : "degraded", version: showsVersion ? TsunaguVersion.current : nil,
                    database: healthy ? "ok" : "unavailable"))
        }
    }
}
