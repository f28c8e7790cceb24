public import Logging
public import PostgresNIO
public import ServiceLifecycle
public import TsunaguCore

/// A shared PostgreSQL database: the connection pool every store on it uses, and its migrations.
///
/// Why PostgreSQL at all: several `tsunagud` instances behind a load balancer need one store they can all
/// trust, and that must be an existing, proven distributed engine rather than one of ours. SQLite stays the
/// embedded default; this is the same set of store contracts on a server.
///
/// The pool (postgres-nio's `PostgresClient`) is a `Service`: it lends connections only while ``run()`` runs,
/// so `tsunagud` adds the database to its `ServiceGroup` and the pool closes with the group.
public struct SharedDatabase: Sendable, Service {
    public let client: PostgresClient
    public let location: PostgresLocation
    /// Logs queries' failures at most, never their arguments (postgres-nio keeps binds out of its errors'
    /// descriptions; we never log `String(reflecting:)` of one).
    let logger: Logger
    /// What every store over this database chains audit entries with: one chain, one key, for all writers and all
    /// instances. Without its key (a command run without the data key) entries can be read but not written.
    public private(set) var auditChain: AuditChain = .withoutKey
    /// What the stores stamp rows with (processed, raised, revoked, audited): the clock of whoever opened the database,
    /// read once per transaction (as SQLite's transaction clock is).
    public let clock: WallClock

    /// This database, its stores chaining audit entries with `chain` (the key comes from its keyring, opened later).
    public func chained(with chain: AuditChain) -> SharedDatabase {
        var copy = self
        copy.auditChain = chain
        return copy
    }

    /// - Parameters:
    ///   - poolSize: the most connections this instance opens (each instance has its own pool).
    ///   - clock: what the stores stamp rows with.
    public init(location: PostgresLocation, poolSize: Int = 10, clock: WallClock, logger: Logger = Logger(label: "tsunagu.postgres")) throws {
        self.location = location
        self.clock = clock
        self.logger = logger
        self.client = PostgresClient(configuration: try location.clientConfiguration(poolSize: poolSize), backgroundLogger: logger)
    }

    /// Runs the pool until the task is cancelled or the service group shuts it down. List the database first
    /// in the group: services shut down in reverse order, so the pool outlives everything that uses it.
    public func run() async throws {
        await client.run()
    }

    /// Runs `body` in a transaction on a pooled connection. An error `body` throws comes out as itself, not
    /// wrapped in postgres-nio's `PostgresTransactionError`, so callers can catch their own errors.
    func transaction<Result>(
        isolation: isolated (any Actor)? = #isolation, _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        do {
            return try await client.withTransaction(logger: logger, isolation: isolation, body)
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }

    /// Runs the pool while `body` runs, then closes it: for commands, and for start-up steps (migrations, the
    /// keyring) that need the database before the service group starts.
    public func whileRunning<Result: Sendable>(_ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            group.addTask { try await body() }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }

    /// Opens one connection outside the pool and closes it: the pool retries a server that refuses it without
    /// saying why, so commands check first, and fail in seconds with the real reason.
    public func probe() async throws {
        let connection = try await PostgresConnection.connect(
            configuration: try location.connectionConfiguration(), id: 0, logger: logger)
        try await connection.close()
    }

    /// Applies every migration not yet applied; safe to run from several instances at once.
    /// - Returns: the names of the migrations applied now.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await PostgresMigrations.apply(on: client, logger: logger)
    }

    /// The names of the migrations this version knows, oldest first.
    public static var migrationNames: [String] { PostgresMigrations.all.map(\.name) }

    /// Whether every migration this version knows is applied (read-only commands refuse other versions).
    public func isMigrated() async throws -> Bool {
        try await PostgresMigrations.isComplete(on: client, logger: logger)
    }

    /// Whether the database answers a trivial query; the `/healthz` database status.
    public func isHealthy() async -> Bool {
        do {
            for try await value in try await client.query("SELECT 1", logger: logger).decode(Int.self) { return value == 1 }
            return false
        } catch {
            return false
        }
    }
}
