import Foundation
import GRDB
import Glibc
public import TsunaguCore

/// `tsunagud backup` and `restore`: a consistent copy of the SQLite database, checked before it is trusted.
///
/// The copy is made with SQLite's online backup API (through GRDB) inside one read transaction, so it is the
/// database as of one moment even while the server writes; a reader never blocks the server's writer in WAL
/// mode. A backup is one owner-only file in rollback-journal mode, so it opens anywhere, read-only, without
/// `-wal` or `-shm` files beside it. Nothing is trusted until it has been read back from disk: SQLite's
/// `integrity_check`, then the audit chain, verified by the same code as `tsunagud audit --verify`.
public enum SQLiteBackup {
    /// What a backup or a restore wrote, as checked afterwards.
    public struct Report: Sendable, Codable, Equatable {
        public var path: String
        public var bytes: Int
        public var auditEntries: Int

        /// What was checked, for the operator: "integrity check ok, audit chain intact (3 entries)".
        public var checks: String { "integrity check ok, audit chain intact (\(auditEntries) entr\(auditEntries == 1 ? "y" : "ies"))" }
    }

    /// Copies the database at `databasePath` into a new owner-only file at `path`, then verifies the file.
    ///
    /// - Throws: ``StoreError`` in one sentence: no database, `path` exists already or cannot be created, or
    ///   the copy does not verify (the partial file is then removed).
    /// - Parameter chain: opens the copy's audit chain from its keyring (the data key's; see ``AuditChain/Opener``).
    /// - Parameter clock: the clock the database is opened with.
    public static func write(
        databaseAt databasePath: String, to path: String, chain: AuditChain.Opener, clock: WallClock
    ) async throws -> Report {
        let source = try SQLiteDatabase.openReadOnly(path: databasePath, clock: clock)
        defer { try? source.close() }
        try copy(from: source.writer, toNewFile: path)
        return try await verified(path, chain: chain, clock: clock, removingOnFailure: true)
    }

    /// Restores a backup into `databasePath`, which must not exist yet, migrates it to this version and checks it.
    ///
    /// The copy is written beside the database under a temporary name and renamed into place only once it
    /// verifies, so a failed restore leaves no database behind for `tsunagud serve` to start on.
    /// - Throws: ``StoreError`` in one sentence: a database (or its journal) already exists there, the backup is
    ///   missing or does not verify, or the folder cannot be written.
    /// - Parameter clock: the clock the restored database is opened with.
    public static func restore(
        from backupPath: String, to databasePath: String, chain: AuditChain.Opener, clock: WallClock
    ) async throws -> Report {
        if let existing = ["", "-wal", "-shm", "-journal"].map({ databasePath + $0 }).first(where: FileManager.default.fileExists) {
            throw StoreError(.exists, "\(existing) exists already; restore only where there is no database (move the old one away first).")
        }
        let backup = try await verified(backupPath, chain: chain, clock: clock, removingOnFailure: false)
        let folder = URL(fileURLWithPath: databasePath).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(.notWritable, "Cannot create the database folder \(folder).", cause: error)
        }
        let staging = databasePath + ".restoring"
        let source = try openQueue(backupPath)
        defer { try? source.close() }
        try copy(from: source, toNewFile: staging)
        _ = try await verified(staging, chain: chain, clock: clock, removingOnFailure: true)
        guard rename(staging, databasePath) == 0 else {
            removeFiles(staging)
            throw StoreError(.notWritable, "Cannot move the restored database into place at \(databasePath).")
        }
        // Opening for writing migrates it to this version (each migration once) and puts it back in WAL mode.
        let database = try SQLiteDatabase.open(path: databasePath, clock: clock)
        defer { try? database.close() }
        let restored = try await check(database.writer, path: databasePath, chain: chain, clock: clock)
        guard restored.auditEntries == backup.auditEntries else {
            throw StoreError(.invalidBackup, "The restored audit log has \(restored.auditEntries) entries, the backup \(backup.auditEntries).")
        }
        return restored
    }

    /// Copies `source` into `path`, created owner-only and never over an existing file, in one read transaction.
    private static func copy(from source: any DatabaseReader, toNewFile path: String) throws {
        // O_EXCL: never replace a file, least of all an earlier backup. SQLite keeps the file's mode.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(.exists, "Cannot create \(path) (it may exist already); choose a new file in a writable folder.")
        }
        close(descriptor)
        do {
            let destination = try DatabaseQueue(path: path, configuration: SQLiteDatabase.makeConfiguration(readonly: false))
            try source.backup(to: destination)
            try destination.writeWithoutTransaction { db in
                // The copy carries the source's WAL flag; a backup is one self-contained file.
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
            }
            try destination.close()
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
            try handle.synchronize()
            try handle.close()
        } catch {
            removeFiles(path)
            throw StoreError(.notWritable, "Cannot copy the database into \(path).", cause: error)
        }
    }

    /// Reads the file at `path` back from disk and checks it (``check(_:path:chain:clock:)``); removes it if asked and it fails.
    private static func verified(
        _ path: String, chain: AuditChain.Opener, clock: WallClock, removingOnFailure: Bool
    ) async throws -> Report {
        do {
            let queue = try openQueue(path)
            defer { try? queue.close() }
            return try await check(queue, path: path, chain: chain, clock: clock)
        } catch {
            if removingOnFailure { removeFiles(path) }
            throw error
        }
    }

    /// SQLite's integrity check, then the audit chain, verified by the code `tsunagud audit --verify` runs.
    private static func check(
        _ reader: any DatabaseWriter, path: String, chain open: AuditChain.Opener, clock: WallClock
    ) async throws -> Report {
        let problems: [String]
        do {
            problems = try await reader.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        } catch {
            throw StoreError(.invalidBackup, "\(path) is not a SQLite database that can be read.", cause: error)
        }
        guard problems == ["ok"] else {
            throw StoreError(.invalidBackup, "\(path) fails SQLite's integrity check; it is damaged and cannot be used.")
        }
        let database = SQLiteDatabase(writer: reader, durability: .full, path: path, clock: clock)
        let entries: [AuditEntry]
        do {
            entries = try await SQLiteAuditLog(database: database).entries()
        } catch {
            throw StoreError(.invalidBackup, "\(path) holds no audit log that can be read; it is not a Tsunagu database.", cause: error)
        }
        // A key that does not open the copy's keyring fails here, in the keyring's own sentence.
        let audit = try await open(SQLiteKeyStore(database: database)).verify(entries)
        if let broken = audit.firstBroken {
            throw StoreError(.invalidBackup, "The audit log in \(path) does not hold from entry \(broken) on; it cannot be trusted.")
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0
        return Report(path: path, bytes: bytes, auditEntries: audit.entries)
    }

    private static func openQueue(_ path: String) throws -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.notFound, "There is no file at \(path).")
        }
        do {
            return try DatabaseQueue(path: path, configuration: SQLiteDatabase.makeConfiguration(readonly: true))
        } catch {
            throw StoreError(.invalidBackup, "\(path) is not a Tsunagu SQLite database that can be read.", cause: error)
        }
    }

    private static func removeFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
