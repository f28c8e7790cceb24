import Foundation
import Logging
import PostgresNIO
public import TsunaguCore

/// The wrapped keys on PostgreSQL (see ``KeyStore``). Changes to the keyring take one advisory lock, so instances
/// starting together and a rotation run meanwhile follow one another; a rotation also locks the case keys it
/// rewraps, so no instance changes one of them underneath it.
public struct PostgresKeyStore: KeyStore {
    private let database: SharedDatabase

    /// The advisory-lock key of keyring changes.
    static let keyringLock: Int64 = 0x7473_7535_0000_0001  // "tsu5"

    public init(database: SharedDatabase) { self.database = database }

    public func keyring() async throws -> [KeyringEntry] {
        let logger = database.logger
        return try await database.client.withConnection { connection in try await Self.keyring(on: connection, logger: logger) }
    }

    public func add(_ entries: [KeyringEntry], bootstrapFingerprint: String?) async throws {
        let logger = database.logger
        try await database.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.keyringLock))", logger: logger)
            let wasEmpty = try await Self.keyring(on: connection, logger: logger).isEmpty
            for entry in entries {
                try await connection.query(
                    """
                    INSERT INTO keyring (fingerprint, name, wrapped) VALUES (\(entry.fingerprint), \(entry.name), \(Data(entry.wrapped)))
                    ON CONFLICT (fingerprint, name) DO NOTHING
                    """, logger: logger)
            }
            if wasEmpty, let bootstrapFingerprint {
                try await connection.query(
                    "UPDATE case_key SET fingerprint = \(bootstrapFingerprint) WHERE fingerprint IS NULL", logger: logger)
            }
        }
    }

    public func rewrap(
        _ transform: @escaping @Sendable ([KeyringEntry], [WrappedCaseKey]) throws -> (keyring: [KeyringEntry], caseKeys: [WrappedCaseKey])
    ) async throws -> Int {
        let logger = database.logger
        return try await database.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.keyringLock))", logger: logger)
            var caseKeys: [WrappedCaseKey] = []
            for try await (caseID, fingerprint, wrapped) in try await connection.query(
                "SELECT case_id, fingerprint, wrapped_key FROM case_key ORDER BY case_id FOR UPDATE", logger: logger
            ).decode((String, String?, Data).self) {
                caseKeys.append(WrappedCaseKey(caseID: caseID, fingerprint: fingerprint, wrapped: Array(wrapped)))
            }
            let (keyring, rewrapped) = try transform(try await Self.keyring(on: connection, logger: logger), caseKeys)
            try await connection.query("DELETE FROM keyring", logger: logger)
            for entry in keyring {
                try await connection.query(
                    "INSERT INTO keyring (fingerprint, name, wrapped) VALUES (\(entry.fingerprint), \(entry.name), \(Data(entry.wrapped)))",
                    logger: logger)
            }
            for key in rewrapped {
                try await connection.query(
                    "UPDATE case_key SET fingerprint = \(key.fingerprint), wrapped_key = \(Data(key.wrapped)) WHERE case_id = \(key.caseID)",
                    logger: logger)
            }
            return rewrapped.count
        }
    }

    private static func keyring(on connection: PostgresConnection, logger: Logger) async throws -> [KeyringEntry] {
        var entries: [KeyringEntry] = []
        for try await (fingerprint, name, wrapped) in try await connection.query(
            "SELECT fingerprint, name, wrapped FROM keyring ORDER BY fingerprint, name", logger: logger
        ).decode((String, String, Data).self) {
            entries.append(KeyringEntry(fingerprint: fingerprint, name: name, wrapped: Array(wrapped)))
        }
        return entries
    }
}
