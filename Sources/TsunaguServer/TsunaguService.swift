import Hummingbird
public import Logging
import ServiceLifecycle
import UnixSignals
import TsunaguStore

/// `tsunagud serve`: opens the database and runs both listeners in one `ServiceGroup` until SIGTERM or
/// SIGINT, then stops accepting, lets in-flight requests finish (each one's events are committed before its
/// answer) and closes the database, checkpointing its log.
public enum TsunaguService {
    public static func run(configuration: TsunaguConfiguration, logger: Logger) async throws {
        let database: SQLiteDatabase
        do {
            database = try SQLiteDatabase.open(path: configuration.databasePath, durability: configuration.durability)
        } catch let error as StoreError {
            throw StartupError(
                "TSUNAGU_DATABASE (\(configuration.databasePath)) cannot be used: \(error.message) Choose a writable path.",
                cause: error)
        }
        logger.info(
            "Database ready",
            metadata: ["durability": "\(database.durability.rawValue)", "journal": "wal", "secure_delete": "on"])

        let dependencies = ServerDependencies(
            database: database, channelSecret: configuration.channelSecret, dataKey: configuration.dataKey)
        let webhook = buildApplication(
            .webhook,
            router: buildWebhookRouter(dependencies: dependencies, maxBodyBytes: configuration.webhookMaxBodyBytes),
            host: configuration.webhookHost, port: configuration.webhookPort, logger: logger)
        let staff = buildApplication(
            .staff, router: buildStaffRouter(dependencies: dependencies),
            host: configuration.staffHost, port: configuration.staffPort, logger: logger)

        let group = ServiceGroup(
            configuration: .init(
                services: [webhook, staff], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try database.close()
        logger.notice("Stopped")
    }
}
