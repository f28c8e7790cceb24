import Logging
public import TsunaguCore
public import TsunaguPostgres
import TsunaguSQLite

/// Where the data lives, as `TSUNAGU_DATABASE` says: a path means the embedded SQLite file (one instance), a
/// `postgres://` URL a PostgreSQL shared by every instance.
public enum DatabaseSetting: Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// - Parameter allowingUnverified: `TSUNAGU_DATABASE_ALLOW_UNVERIFIED`: accept a PostgreSQL server on another
    ///   machine without `sslmode=verify-full`.
    /// - Throws: ``StartupError`` saying what is wrong with a PostgreSQL URL, without its password.
    public init(_ value: String, allowingUnverified: Bool = false) throws {
        guard PostgresLocation.isPostgresURL(value) else {
            self = .sqlite(path: value)
            return
        }
        do {
            let location = try PostgresLocation(url: value)
            try location.requireVerifiedServer(allowingUnverified: allowingUnverified)
            self = .postgres(location)
        } catch {
            throw StartupError("\(error)")  // Already one sentence naming TSUNAGU_DATABASE, without the password.
        }
    }

    /// How the database is named in logs and messages: the path, or the server and database without a password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let location): "\(location)"
        }
    }

    /// Opens the database for an operator command, runs `body` on its stores, and closes it.
    ///
    /// - Parameters:
    ///   - clock: what the stores stamp rows with.
    ///   - readOnly: SQLite is opened read-only (safe beside a running server); PostgreSQL then only checks that the
    ///     schema is this version's, where a writing command migrates it first.
    ///   - dataKey: the master key, when set: the database's keyring is opened with it (and `previousDataKey`), and
    ///     the stores chain audit entries with the audit key it holds. Without it, they can read the audit log but
    ///     neither write an entry nor verify a keyed one (``AuditKeyMissing``).
    /// - Throws: ``StartupError`` in one sentence when the database cannot be opened or reached, or the key does
    ///   not open its keyring.
    public func withStores<Result: Sendable>(
        readOnly: Bool, clock: WallClock, dataKey: DataKey? = nil, previousDataKey: DataKey? = nil,
        _ body: @escaping @Sendable (StoreSet) async throws -> Result
    ) async throws -> Result {
        @Sendable func chain(_ keys: any KeyStore) async throws -> AuditChain {
            guard let dataKey else { return .withoutKey }
            return try await Keyring.open(keys, current: dataKey, previous: previousDataKey, readOnly: readOnly).auditChain
        }
        switch self {
        case .sqlite(let path):
            var database =
                try readOnly ? SQLiteDatabase.openReadOnly(path: path, clock: clock) : SQLiteDatabase.open(path: path, clock: clock)
            database = database.chained(with: try await chain(SQLiteKeyStore(database: database)))
            let result = try await body(.sqlite(database))
            try database.close()
            return result
        case .postgres(let location):
            return try await Self.withCommandConnection(to: location, clock: clock) { database in
                if readOnly {
                    guard try await database.isMigrated() else {
                        throw StartupError("The PostgreSQL database at \(location) is not at this version's schema; run tsunagud migrate.")
                    }
                } else {
                    try await database.migrate()
                }
                let chained = database.chained(with: try await chain(PostgresKeyStore(database: database)))
                return try await body(.postgres(chained, instance: "operator"))
            }
        }
    }

    /// A small pool to `location` for an operator command, running while `body` runs: checked with one
    /// connection first, so that a refusal fails in seconds with its reason, and quiet, so that a failure is the
    /// one sentence of a ``StartupError`` (naming the server, never the password or a server message).
    public static func withCommandConnection<Result: Sendable>(
        to location: PostgresLocation, clock: WallClock, _ body: @escaping @Sendable (SharedDatabase) async throws -> Result
    ) async throws -> Result {
        var logger = Logger(label: "tsunagu.postgres")
        logger.logLevel = .critical
        let database = try SharedDatabase(location: location, poolSize: 2, clock: clock, logger: logger)
        do {
            try await database.probe()
            return try await database.whileRunning { try await body(database) }
        } catch  where PostgresFailure.isDatabaseError(error) {
            throw StartupError(PostgresFailure.describe(error, location: location))
        }
    }
}
