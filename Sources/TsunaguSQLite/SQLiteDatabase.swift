import Foundation
import GRDB
public import TsunaguCore

/// The embedded SQLite database: one façade that opens it safely, migrates it, and hands out the stores.
///
/// It creates the file owner-only (0600), opens a WAL-mode `DatabasePool` (one writer, concurrent readers) with `secure_delete` on, so deleted
/// rows leave no plaintext in free pages, and applies the requested ``Durability`` on the writer *after*
/// opening — GRDB's pool resets `synchronous` once `prepareDatabase` has run — then reads it back.
public struct SQLiteDatabase: Sendable {
    /// The underlying GRDB writer; stores in this module use it, callers use the stores.
    let writer: any DatabaseWriter
    /// The durability in force, as read back from SQLite.
    public let durability: Durability
    public let path: String
    /// What the stores stamp rows with (processed, raised, revoked, audited): the clock of whoever opened the database.
    /// Each transaction reads it once, as GRDB's `transactionClock`, and its rows share that moment (``now(in:)``).
    public let clock: WallClock
    /// Checkpoints the log off the writer (writable files only).
    var checkpointer: WALCheckpointer? = nil
    /// What every store over this database chains audit entries with: one chain, one key, for all writers. Without
    /// its key (a command run without the data key) entries can be read but not written.
    public private(set) var auditChain: AuditChain = .withoutKey

    /// This database, its stores chaining audit entries with `chain` (the key comes from its keyring, opened later).
    public func chained(with chain: AuditChain) -> SQLiteDatabase {
        var copy = self
        copy.auditChain = chain
        return copy
    }

    /// Opens (creating if needed) and migrates the database at `path`.
    ///
    /// - Throws: ``StoreError`` with code `notWritable` when the file or its folder cannot be written.
    /// - Parameter clock: what the stores stamp rows with.
    public static func open(path: String, durability: Durability = .full, clock: WallClock) throws -> SQLiteDatabase {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: folder) {
            // A folder it makes is its own (0700); one that exists is the operator's, and is left as it is.
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder)
            } catch {
                throw StoreError(.notWritable, "Cannot create the database folder \(folder).", cause: error)
            }
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw StoreError(.notWritable, "The database folder \(folder) is not writable.")
        }
        // Owner-only from the first byte: SQLite gives the -wal and -shm files the database file's mode.
        if !FileManager.default.fileExists(atPath: path),
            !FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        {
            throw StoreError(.notWritable, "Cannot create the database file \(path).")
        }
        try tightenModes(path: path)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: makeConfiguration(readonly: false, clock: clock))
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(durability.synchronousPragmaValue)")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")  // The WALCheckpointer does it, off the writer.
            }
            try Migrations.migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.notWritable, "Cannot open the database at \(path) for writing.", cause: error)
        }
        let inForce = try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        guard inForce == durability.synchronousPragmaValue else {
            throw StoreError(.durabilityNotApplied, "SQLite did not accept the durability level \(durability.rawValue).")
        }
        let checkpointer: WALCheckpointer
        do {
            checkpointer = try WALCheckpointer(path: path)
        } catch {
            throw StoreError(.notWritable, "Cannot open the database at \(path) for checkpointing.", cause: error)
        }
        return SQLiteDatabase(writer: pool, durability: durability, path: path, clock: clock, checkpointer: checkpointer)
    }

    /// Makes an existing database and its log files owner-only (0600): a file copied in, restored or made by an
    /// older version may be readable by others, and SQLite gives new -wal and -shm files the database's mode.
    ///
    /// - Throws: ``StoreError`` `notWritable` when a mode cannot be changed (the file is someone else's).
    static func tightenModes(path: String) throws {
        for file in [path, path + "-wal", path + "-shm", path + "-journal"] {
            guard let mode = (try? FileManager.default.attributesOfItem(atPath: file))?[.posixPermissions] as? Int, mode & 0o077 != 0 else {
                continue
            }
            do {
                try FileManager.default.setAttributes([.posixPermissions: mode & 0o700], ofItemAtPath: file)
            } catch {
                throw StoreError(.notWritable, "Cannot make \(file) readable by its owner only; run tsunagud as the user that owns it.", cause: error)
            }
        }
    }

    /// Opens an existing database for reading only, e.g. for `tsunagud inbox` while the server runs.
    public static func openReadOnly(path: String, clock: WallClock) throws -> SQLiteDatabase {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.notFound, "No database exists at \(path); start tsunagud once to create it.")
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: makeConfiguration(readonly: true, clock: clock))
        } catch {
            throw StoreError(.notFound, "Cannot open the database at \(path) for reading.", cause: error)
        }
        let migrated = try queue.read { db in try Migrations.migrator.hasCompletedMigrations(db) }
        guard migrated else {
            throw StoreError(.notMigrated, "The database at \(path) is from another version; start tsunagud to migrate it.")
        }
        return SQLiteDatabase(writer: queue, durability: .full, path: path, clock: clock)
    }

    /// An in-memory database for tests: same schema, no file.
    public static func inMemory(clock: WallClock) throws -> SQLiteDatabase {
        let queue = try DatabaseQueue(configuration: makeConfiguration(readonly: false, clock: clock))
        try Migrations.migrator.migrate(queue)
        return SQLiteDatabase(writer: queue, durability: .full, path: ":memory:", clock: clock)
    }

    /// - Parameter clock: the transactions' clock; `nil` for a connection that only copies or checkpoints.
    static func makeConfiguration(readonly: Bool, clock: WallClock? = nil) -> Configuration {
        var configuration = Configuration()
        if let clock { configuration.transactionClock = .custom { _ in clock.date() } }
        configuration.readonly = readonly
        configuration.busyMode = .timeout(10)
        configuration.label = "tsunagu"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // Statement journals and sorts in memory, never in a temporary file: a statement journal holds pages as
            // they were before the statement (her words among them), which must not reach the disk outside the
            // database, and creating and unlinking a file per answer cost a path lookup and an inode each time.
            // Neither is needed to recover from a crash; the WAL is.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        return configuration
    }

    /// The moment of the transaction `db` is in, by ``clock``: what rows written in it are stamped with.
    static func now(in db: Database) throws -> Int64 { WallClock.milliseconds(of: try db.transactionDate) }

    /// Whether the database answers a trivial query; the `/healthz` database status.
    public func isHealthy() async -> Bool {
        (try? await writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    /// The pragmas that carry our promises, read back from SQLite (for tests and the operator).
    public func pragmas() async throws -> [String: String] {
        try await writer.writeWithoutTransaction { db in
            var result: [String: String] = [:]
            for name in ["journal_mode", "synchronous", "secure_delete", "temp_store"] {
                result[name] = try String.fetchOne(db, sql: "PRAGMA \(name)")
            }
            return result
        }
    }

    /// Asks for the write-ahead log to be copied into the database and truncated soon, off the writer: after
    /// something of hers was destroyed, so that no copy of the pages that held it stays in the log (the database
    /// file itself keeps none: `secure_delete` zeroes what is deleted).
    @Sendable public func requestScrub() { checkpointer?.requestScrub() }

    /// Whether a scrub was asked for and has not been done yet (tests wait for it before reading the files).
    public var isScrubPending: Bool { checkpointer?.hasScrubPending ?? false }

    /// Closes the database, checkpointing the write-ahead log.
    public func close() throws {
        checkpointer?.stop()
        if let pool = writer as? DatabasePool { try pool.close() } else if let queue = writer as? DatabaseQueue { try queue.close() }
    }
}
