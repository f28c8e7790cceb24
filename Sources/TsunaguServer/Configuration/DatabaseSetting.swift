import Logging
public import TsunaguPostgres
import TsunaguStore

/// Where the data lives, as `TSUNAGU_DATABASE` says: a path means the embedded SQLite file (one instance), a
/// `postgres://` URL a PostgreSQL shared by every instance.
public enum DatabaseSetting: Sendable {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// - Throws: ``StartupError`` saying what is wrong with a PostgreSQL URL, without its password.
    public init(_ value: String) throws {
        guard PostgresLocation.isPostgresURL(value) else {
            self = .sqlite(path: value)
            return
        }
        do {
            self = .postgres(try PostgresLocation(url: value))
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
    /// - Parameter readOnly: SQLite is opened read-only (safe beside a running server); PostgreSQL then only checks
    ///   that the schema is this version's, where a writing command migrates it first.
    /// - Throws: ``StartupError`` in one sentence when the database cannot be opened or reached.
    public func withStores<Result: Sendable>(
        readOnly: Bool, _ body: @escaping @Sendable (StoreSet) async throws -> Result
    ) async throws -> Result {
        switch self {
        case .sqlite(let path):
            let database = try readOnly ? SQLiteDatabase.openReadOnly(path: path) : SQLiteDatabase.open(path: path)
            let result = try await body(.sqlite(database))
            try database.close()
            return result
        case .postgres(let location):
            var logger = Logger(label: "tsunagu.postgres")
            logger.logLevel = .critical  // The one sentence below says what went wrong.
            let database = try SharedDatabase(location: location, poolSize: 2, logger: logger)
            do {
                try await database.probe()
                return try await database.whileRunning {
                    if readOnly {
                        guard try await database.isMigrated() else {
                            throw StartupError("The PostgreSQL database at \(location) is not at this version's schema; run tsunagud migrate.")
                        }
                    } else {
                        try await database.migrate()
                    }
                    return try await body(.postgres(database, instance: "operator"))
                }
            } catch where PostgresFailure.isDatabaseError(error) {
                throw StartupError(PostgresFailure.describe(error, location: location))
            }
        }
    }
}
