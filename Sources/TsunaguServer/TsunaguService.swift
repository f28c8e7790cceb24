import CurlHTTP
import Foundation
import Hummingbird
import LineMessaging
import LineSandbox
public import Logging
import ServiceLifecycle
public import TsunaguCore
import TsunaguPostgres
import TsunaguSQLite
import UnixSignals

/// `tsunagud serve`: opens the database and runs both listeners in one `ServiceGroup` until SIGTERM or
/// SIGINT, then stops accepting, lets in-flight requests finish (each one's events are committed before its
/// answer) and closes the database (checkpointing SQLite's log, or closing the PostgreSQL pool).
public enum TsunaguService {
    /// How long SIGTERM waits for in-flight requests and work before cancelling them.
    public static let shutdownGrace: Duration = .seconds(10)

    /// - Parameters:
    ///   - clock: the one clock every part of the server reads (from `tsunagud`'s entry, its composition root).
    ///   - ids: where every new id comes from (the same).
    public static func run(configuration: TsunaguConfiguration, clock: WallClock, ids: any IDSource, logger: Logger) async throws {
        try configuration.requireSandboxAlone()
        switch configuration.database {
        case .sqlite(let path):
            let database: SQLiteDatabase
            // Held until the process ends: rotate-key --new-key-file refuses to run beside a server.
            let servingLock: ServingLock
            do {
                servingLock = try ServingLock.serving(databasePath: path)
                database = try SQLiteDatabase.open(path: path, durability: configuration.durability, clock: clock)
            } catch let error as StoreError {
                throw StartupError("TSUNAGU_DATABASE (\(path)) cannot be used: \(error.message) Choose a writable path.", cause: error)
            }
            logger.info(
                "Database ready",
                metadata: ["durability": "\(database.durability.rawValue)", "journal": "wal", "secure_delete": "on"])
            try await serve(configuration: configuration, backend: .sqlite(database), clock: clock, ids: ids, logger: logger)
            try database.close()
            withExtendedLifetime(servingLock) {}
        case .postgres(let location):
            // postgres-nio's own lines at debug and trace name statements; they stay out of the log at any level.
            var poolLogger = logger
            poolLogger.logLevel = max(logger.logLevel, .notice)
            let database = try SharedDatabase(location: location, poolSize: configuration.databasePoolSize, clock: clock, logger: poolLogger)
            // Held while serving, by every instance: rotate-key --new-key-file refuses to run beside any of them.
            let servingLock: PostgresServingLock?
            do {
                // One connection first: the pool would retry a refusal forever without saying why.
                try await database.probe()
                servingLock = try await PostgresServingLock.serving(location, logger: poolLogger)
            } catch {
                throw StartupError(PostgresFailure.describe(error, location: location), cause: error)
            }
            guard let servingLock else {
                throw StartupError("A tsunagud command (a key rotation) is changing the database at \(location); start again when it has finished.")
            }
            try await database.whileRunning {
                do {
                    try await database.migrate()
                } catch {
                    throw StartupError(PostgresFailure.describe(error, location: location), cause: error)
                }
                // This process's name in outbox leases and job runs: unique, and no one's data.
                let instance = "\(ProcessInfo.processInfo.processIdentifier)-\(ids.nextString().prefix(8))"
                logger.info(
                    "Database ready",
                    metadata: ["database": "postgresql", "pool": "\(configuration.databasePoolSize)", "instance": "\(instance)"])
                try await serve(
                    configuration: configuration, backend: .postgres(database, instance: instance), clock: clock, ids: ids, logger: logger)
            }
            await servingLock.release()
        }
        logger.notice("Stopped")
    }

    private enum Backend {
        case sqlite(SQLiteDatabase)
        case postgres(SharedDatabase, instance: String)

        /// Where the keyring is, read before any other store is made.
        var keys: any KeyStore {
            switch self {
            case .sqlite(let database): SQLiteKeyStore(database: database)
            case .postgres(let database, _): PostgresKeyStore(database: database)
            }
        }

        /// The stores, chaining audit entries with `chain`; on SQLite, a decider makes the inbox answer what it stores.
        func stores(chain: AuditChain, decider: TriageDecider?, outboxLease: Duration) -> StoreSet {
            switch self {
            case .sqlite(let database): .sqlite(database.chained(with: chain), decider: decider)
            case .postgres(let database, let instance): .postgres(database.chained(with: chain), instance: instance, outboxLease: outboxLease)
            }
        }
    }

    private static func serve(
        configuration: TsunaguConfiguration, backend: Backend, clock: WallClock, ids: any IDSource, logger: Logger
    ) async throws {
        var configuration = configuration
        configuration.dataKey = try await Keyring.open(backend.keys, current: configuration.dataKey, previous: configuration.previousDataKey)

        var services: [any Service] = []
        // As many connections as the sender has sends in flight.
        let transport = CurlTransport(
            configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(20), maxConnectionsPerHost: 256))
        defer { transport.shutdown() }
        if var sandboxPort = configuration.sandboxPort {
            // Port 0 means any free port; the client must know which one, so it is chosen here.
            if sandboxPort == 0 { sandboxPort = try FreeLoopbackPort.find() }
            configuration.apiBaseURL = "http://127.0.0.1:\(sandboxPort)"
            // The phone side posts to our own webhook listener (its configured port; with port 0 it has none).
            let webhookURL = configuration.webhookPort == 0 ? nil : "http://127.0.0.1:\(configuration.webhookPort)/webhook"
            let adminToken = configuration.sandboxToken ?? LineSandbox.newAdminToken()
            let sandbox = LineSandbox(
                configuration: .init(
                    now: { clock.date() }, newID: { ids.next() }, accessToken: configuration.channelAccessToken ?? "",
                    channelSecret: configuration.channelSecret,
                    webhookURL: webhookURL, adminToken: adminToken))
            let router = Router()
            sandbox.addRoutes(to: router)
            services.append(buildApplication(.sandbox, router: router, host: "127.0.0.1", port: sandboxPort, logger: logger))
            // The operator needs the token for the practice phone and scripts. Only a practice stand-in's: start-up
            // refused sandbox mode beside a real channel. One given in advance is already known, and not repeated.
            let shownToken = configuration.sandboxToken == nil ? adminToken : "the one TSUNAGU_SANDBOX_TOKEN sets"
            logger.notice(
                "Sandbox mode: messages go to the local LINE sandbox, not to LINE; its /sandbox/* endpoints require the token",
                metadata: ["port": "\(sandboxPort)", "token": "\(shownToken)"])
        } else {
            try await LineChannelCheck.run(configuration: configuration, transport: transport, logger: logger)
        }
        let metrics = TsunaguMetrics()
        let decider = TriageDecider(
            engine: configuration.engine, dataKey: configuration.dataKey, policy: configuration.deliveryPolicy, clock: clock, ids: ids,
            metrics: metrics, logger: logger)
        let stores = backend.stores(chain: configuration.dataKey.auditChain, decider: decider, outboxLease: configuration.outboxLease)
        var doorbells = ServerDependencies.Doorbells()
        if case .postgres(let database, _) = backend {
            let relay = WakeupRelay(wakeups: PostgresWakeups(database: database), logger: logger)
            doorbells = .init(inbox: relay.doorbell(for: .inbox), outbox: relay.doorbell(for: .outbox), feed: relay.doorbell(for: .feed))
            services.append(relay)
        }
        let dependencies = ServerDependencies(
            stores: stores, doorbells: doorbells, channelSecret: configuration.channelSecret, dataKey: configuration.dataKey,
            decider: decider, desk: configuration.desk, statistics: configuration.statistics, metrics: metrics,
            authenticationGuard: AuthenticationGuard(logger: logger, clock: clock), clock: clock)
        if configuration.outboxPaused {
            logger.notice("Outbox paused: nothing is sent; replies wait in the outbox (TSUNAGU_OUTBOX_PAUSED)")
        } else if let token = configuration.channelAccessToken {
            // Listed after the sandbox, so that in sandbox mode the sandbox outlives the sender on shutdown.
            let client = LineMessagingClient(transport: transport, accessToken: token, apiBaseURL: configuration.apiBaseURL)
            services.append(
                OutboxSender(
                    store: dependencies.outbox, client: client, sealer: EventSealer(dataKey: configuration.dataKey),
                    policy: configuration.deliveryPolicy, doorbell: dependencies.outboxDoorbell, clock: clock, ids: ids,
                    sharedBudget: stores.rateBudget, monthlyPushQuota: configuration.monthlyPushQuota, metrics: dependencies.metrics,
                    logger: logger))
        }
        services.append(
            InboxProcessor(
                store: dependencies.triage, decider: decider, incoming: dependencies.inboxDoorbell,
                outgoing: dependencies.outboxDoorbell, feed: dependencies.feedDoorbell, metrics: metrics, logger: logger))
        services.append(
            RetentionService(
                store: stores.triage, feed: stores.cases, desk: dependencies.desk, schedule: stores.jobs, periods: configuration.retention,
                clock: clock, logger: logger))
        services.append(
            HeldWordsService(
                store: stores.triage, holdMinutes: configuration.engine.script.firstWords.holdMinutes, clock: clock, logger: logger))
        if let desk = dependencies.desk {
            services.append(
                OfficeClosingService(
                    desk: desk, hours: configuration.engine.hours, schedule: stores.jobs, clock: clock, logger: logger))
        }

        let notifier = ServiceManagerNotifier(listeners: 2)
        let webhook = buildApplication(
            .webhook,
            router: buildWebhookRouter(
                dependencies: dependencies, maxBodyBytes: configuration.webhookMaxBodyBytes,
                bodyTimeLimit: .seconds(configuration.webhookBodySeconds)),
            host: configuration.webhookHost, port: configuration.webhookPort, maxConnections: configuration.webhookMaxConnections,
            logger: logger, onRunning: notifier.listenerRunning)
        let staff = buildApplication(
            .staff, router: buildStaffRouter(dependencies: dependencies, metricsAccess: configuration.metricsAccess),
            host: configuration.staffHost, port: configuration.staffPort, logger: logger, onRunning: notifier.listenerRunning)

        services += [webhook, staff]
        // Started: what the office still has to fill in (after any refusal, so a refusal stays one sentence).
        for warning in ScriptLoader.officeWarnings(configuration.engine.script, path: configuration.scriptPath) { logger.warning("\(warning)") }
        // Each service named by its type: without a name, ServiceLifecycle names a service by interpolating it, which
        // prints every stored property (the engine's tables, the LINE client with its access token) into megabytes of
        // debug log and keeps that text resident for the life of the process.
        let named = services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0, serviceName: "\(type(of: $0))") }
        var groupConfiguration = ServiceGroupConfiguration(services: named, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // In-flight work has this long to finish; then the rest is cancelled, so that a client that never finishes
        // its request (or a long-poll) cannot hold a restart up. Anything acknowledged is already on disk.
        groupConfiguration.maximumGracefulShutdownDuration = Self.shutdownGrace
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
    }
}
