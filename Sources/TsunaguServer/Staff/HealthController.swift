public import Hummingbird
import HTTPTypes
public import TsunaguStore

/// `GET /healthz` on both listeners: 200 with the version and the database status, 503 when the database
/// does not answer, so a load balancer takes the instance out.
public struct HealthController<Context: RequestContext>: Sendable {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    struct Health: ResponseEncodable {
        var status: String
        var version: String
        var database: String
    }

    public func addRoutes(to router: Router<Context>) {
        router.get("/healthz") { _, _ -> EditedResponse<Health> in
            let healthy = await database.isHealthy()
            return EditedResponse(
                status: healthy ? .ok : .serviceUnavailable,
                response: Health(status: healthy ? "ok" : "degraded", version: TsunaguVersion.current, database: healthy ? "ok" : "unavailable"))
        }
    }
}
