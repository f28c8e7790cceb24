import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An advisory lock on `DATABASE.lock` beside a SQLite file, saying that a server has the database open.
///
/// `tsunagud serve` holds it shared for as long as it runs; a command that must not run beside a server
/// (`rotate-key --new-key-file`, which would leave the server sealing new cases under a key that is no longer the
/// keyring's) takes it exclusively, without waiting, and refuses when it cannot. The kernel drops the lock with
/// the process, so a killed server leaves nothing stale behind.
public final class ServingLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// The lock file of the database at `databasePath`.
    public static func path(for databasePath: String) -> String { databasePath + ".lock" }

    /// Held by a serving process.
    ///
    /// - Throws: ``StoreError`` `notWritable` when the lock file cannot be made, or when a command holds the lock
    ///   exclusively (a key rotation).
    public static func serving(databasePath: String) throws -> ServingLock {
        let lock = try open(databasePath)
        guard flock(lock.descriptor, LOCK_SH | LOCK_NB) == 0 else {
            throw StoreError(
                .notWritable, "A tsunagud command (a key rotation) is changing the database at \(databasePath); start again when it has finished.")
        }
        return lock
    }

    /// Held by a command that must run alone; `nil` when a server holds the database.
    ///
    /// - Throws: ``StoreError`` `notWritable` when the lock file cannot be made.
    public static func alone(databasePath: String) throws -> ServingLock? {
        let lock = try open(databasePath)
        return flock(lock.descriptor, LOCK_EX | LOCK_NB) == 0 ? lock : nil
    }

    private static func open(_ databasePath: String) throws -> ServingLock {
        let folder = URL(fileURLWithPath: databasePath).deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: folder) {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let descriptor = Glibc.open(path(for: databasePath), O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(.notWritable, "Cannot create the lock file \(path(for: databasePath)); check that its folder is writable.")
        }
        return ServingLock(descriptor: descriptor)
    }

    deinit { close(descriptor) }
}
