import HTTPTypes
public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import TsunaguCore

/// The public listener's routes: `POST /webhook` and `GET /healthz`; any other method on `/webhook` is 405.
/// - Parameter bodyTimeLimit: how long a request's whole body may take to arrive.
public func buildWebhookRouter(
    dependencies: ServerDependencies, maxBodyBytes: Int, bodyTimeLimit: Duration = .seconds(10)
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: MethodNotAllowedMiddleware(allowed: ["/webhook": [.post], "/healthz": [.get]]))
    WebhookController(ingestor: dependencies.ingestor, maxBodyBytes: maxBodyBytes, bodyTimeLimit: bodyTimeLimit, metrics: dependencies.metrics)
        .addRoutes(to: router)
    HealthController(isHealthy: dependencies.stores.isHealthy, showsVersion: false).addRoutes(to: router)
    return router
}

/// The staff listener's routes: `GET /healthz`, `GET /metrics` (as `metricsAccess` allows), the staff API under
/// `/api/v1` and the web console under `/console/`, whose session cookie the API accepts in place of a bearer token.
public func buildStaffRouter(
    dependencies: ServerDependencies, metricsAccess: MetricsAccess, sessions: ConsoleSessions? = nil
) -> Router<BasicRequestContext> {
    let clock = dependencies.clock
    let sessions = sessions ?? ConsoleSessions(clock: clock)
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: MethodNotAllowedMiddleware(allowed: ["/metrics": [.get], "/healthz": [.get]]))
    router.add(middleware: ConsoleSessionMiddleware(sessions: sessions))
    HealthController(isHealthy: dependencies.stores.isHealthy, showsVersion: true).addRoutes(to: router)
    MetricsController(metrics: dependencies.metrics, inbox: dependencies.inbox, outbox: dependencies.outbox, access: metricsAccess)
        .addRoutes(to: router)
    StaffAPIController(
        stores: dependencies.stores, authenticationGuard: dependencies.authenticationGuard, desk: dependencies.desk,
        feed: dependencies.feedDoorbell, clock: clock
    ).addRoutes(to: router)
    let labels = dependencies.consultations?.labels ?? [:]
    StatisticsController(
        stores: dependencies.stores, authenticationGuard: dependencies.authenticationGuard, settings: dependencies.statistics,
        labels: labels, clock: clock
    ).addRoutes(to: router)
    ProgrammeController(
        stores: dependencies.stores, authenticationGuard: dependencies.authenticationGuard, consultations: dependencies.consultations,
        settings: dependencies.statistics, clock: clock
    ).addRoutes(to: router)
    AdminController(stores: dependencies.stores, authenticationGuard: dependencies.authenticationGuard).addRoutes(to: router)
    ConsoleController(
        stores: dependencies.stores, authenticationGuard: dependencies.authenticationGuard, sessions: sessions,
        labels: labels, clock: clock
    ).addRoutes(to: router)
    return router
}

/// Which listener an application serves; named in logs.
public enum Listener: String, Sendable {
    case webhook
    case staff
    /// The in-process LINE sandbox (sandbox mode only).
    case sandbox
}

/// One listener as a Hummingbird application; it logs its bound port once it runs (useful with port 0).
///
/// A connection that stays silent for a minute is closed, so clients that open connections and go quiet
/// cannot hold them forever.
/// - Parameters:
///   - maxConnections: past this many open connections, new ones wait in the kernel's queue until one closes
///     (`nil`: no cap).
///   - onRunning: called once the listener accepts connections (readiness for the service manager).
public func buildApplication(
    _ listener: Listener, router: Router<BasicRequestContext>, host: String, port: Int, maxConnections: Int? = nil, logger: Logger,
    onRunning: @escaping @Sendable () -> Void = {}
) -> some ApplicationProtocol {
    Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(60))),
        configuration: .init(
            address: .hostname(host, port: port), serverName: "tsunagu",
            availableConnectionsDelegate: maxConnections.map { MaximumAvailableConnections($0, logger: logger) }),
        onServerRunning: { channel in
            logger.notice(
                "Listening",
                metadata: ["listener": "\(listener.rawValue)", "port": "\(channel.localAddress?.port ?? port)"])
            onRunning()
        },
        logger: logger)
}
