public import Logging
import PostgresNIO

/// A session advisory lock saying that a server is serving a PostgreSQL database: the twin of the SQLite
/// `ServingLock`, for instances on any machine.
///
/// Each serving instance holds it shared, on a connection of its own outside the pool, for as long as it runs; a
/// command that must not run beside any server (`rotate-key --new-key-file`, which would leave the instances
/// sealing new cases under a key the keyring no longer holds) takes it exclusively, without waiting, and refuses
/// when it cannot. PostgreSQL drops a session's locks when its connection ends, so a killed instance leaves nothing
/// stale behind; for the same reason an instance whose lock connection is cut (the server restarted) no longer
/// holds it until it is restarted itself.
public final class PostgresServingLock: Sendable {
    /// The lock's key, in the one-key space (no other lock of ours uses it).
    static let key: Int64 = 0x7473_7538_0000_0001  // "tsu8"

    private let connection: PostgresConnection

    private init(connection: PostgresConnection) { self.connection = connection }

    /// Held by a serving instance; `nil` when a command holds it exclusively (a key rotation).
    public static func serving(_ location: PostgresLocation, logger: Logger) async throws -> PostgresServingLock? {
        try await take(shared: true, location, logger: logger)
    }

    /// Held by a command that must run alone; `nil` when an instance is serving.
    public static func alone(_ location: PostgresLocation, logger: Logger) async throws -> PostgresServingLock? {
        try await take(shared: false, location, logger: logger)
    }

    private static func take(shared: Bool, _ location: PostgresLocation, logger: Logger) async throws -> PostgresServingLock? {
        let connection = try await PostgresConnection.connect(configuration: try location.connectionConfiguration(), id: 0, logger: logger)
        var held = false
        do {
            let query: PostgresQuery = shared ? "SELECT pg_try_advisory_lock_shared(\(key))" : "SELECT pg_try_advisory_lock(\(key))"
            for try await value in try await connection.query(query, logger: logger).decode(Bool.self) { held = value }
        } catch {
            try? await connection.close()
            throw error
        }
        guard held else {
            try? await connection.close()
            return nil
        }
        return PostgresServingLock(connection: connection)
    }

    /// Lets the lock go (by ending its connection).
    public func release() async {
        try? await connection.close()
    }
}
