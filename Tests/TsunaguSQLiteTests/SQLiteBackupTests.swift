import Foundation
import GRDB
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguTesting

/// `SQLiteBackup`: the copy behind `tsunagud backup` and `restore`, and the checks that keep a bad one out.
@Suite("SQLite backup and restore")
struct SQLiteBackupTests {
    let directory: TemporaryDirectory
    let live: SQLiteDatabase

    /// A live database, open for writing as the server holds it, with two staff changes in its audit log.
    init() async throws {
        directory = try TemporaryDirectory()
        live = try SQLiteDatabase.open(path: directory.path("live.sqlite"), clock: RealTime.clock).chained(with: AuditForgery.testChain)
        let staff = SQLiteStaffStore(database: live)
        _ = try await staff.add(name: "sato", role: .counsellor, tokenHash: Array(repeating: 1, count: 32), by: "operator")
        _ = try await staff.add(name: "suzuki", role: .supervisor, tokenHash: Array(repeating: 2, count: 32), by: "operator")
    }

    /// The backups' audit chain, as `tsunagud` opens it from their keyring with the data key.
    static let chain: AuditChain.Opener = { _ in AuditForgery.testChain }

    func mode(_ path: String) throws -> Int? { try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int }

    @Test("a backup taken while the database is open is one owner-only file, never written over, and restores with its staff and audit log")
    func roundTrip() async throws {
        let backup = directory.path("backup.sqlite")
        let written = try await SQLiteBackup.write(databaseAt: live.path, to: backup, chain: Self.chain, clock: RealTime.clock)
        #expect(written.auditEntries == 2 && written.bytes > 0)
        #expect(try mode(backup) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: backup + "-wal"), "a backup is one self-contained file")
        let journal = try DatabaseQueue(
            path: backup,
            configuration: {
                var c = Configuration()
                c.readonly = true
                return c
            }())
        #expect(try await journal.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "delete")
        try journal.close()
        await #expect(throws: StoreError.self, "an existing file is not replaced") {
            try await SQLiteBackup.write(databaseAt: live.path, to: backup, chain: Self.chain, clock: RealTime.clock)
        }

        let target = directory.path("restored/tsunagu.sqlite")
        let restored = try await SQLiteBackup.restore(from: backup, to: target, chain: Self.chain, clock: RealTime.clock)
        #expect(restored.auditEntries == 2 && restored.path == target)
        #expect(try mode(target) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: target + ".restoring"))
        let database = try SQLiteDatabase.open(path: target, clock: RealTime.clock).chained(with: AuditForgery.testChain)
        #expect(try await SQLiteStaffStore(database: database).list().map(\.name) == ["sato", "suzuki"])
        #expect(try await SQLiteAuditLog(database: database).verify() == .init(entries: 2, firstBroken: nil))
        try database.close()

        let again = await #expect(throws: StoreError.self) {
            try await SQLiteBackup.restore(from: backup, to: target, chain: Self.chain, clock: RealTime.clock)
        }
        #expect(again?.code == .exists, "a restore never replaces a database")
    }

    @Test("a backup whose audit log was changed, or that is not a database, is refused and leaves nothing behind")
    func refusals() async throws {
        let backup = directory.path("backup.sqlite")
        _ = try await SQLiteBackup.write(databaseAt: live.path, to: backup, chain: Self.chain, clock: RealTime.clock)
        let intruder = try DatabaseQueue(path: backup)
        try await intruder.write { db in try db.execute(sql: "UPDATE audit_log SET detail = 'sato as admin' WHERE sequence = 1") }
        try intruder.close()
        let target = directory.path("restored/tsunagu.sqlite")
        let tampered = await #expect(throws: StoreError.self) {
            try await SQLiteBackup.restore(from: backup, to: target, chain: Self.chain, clock: RealTime.clock)
        }
        #expect(tampered?.code == .invalidBackup && tampered?.message.contains("from entry 1") == true, "\(String(describing: tampered))")

        let junk = directory.path("junk")
        try Data("not a database, only some text".utf8).write(to: URL(fileURLWithPath: junk))
        let notDatabase = await #expect(throws: StoreError.self) {
            try await SQLiteBackup.restore(from: junk, to: target, chain: Self.chain, clock: RealTime.clock)
        }
        #expect(notDatabase?.code == .invalidBackup)
        let missing = await #expect(throws: StoreError.self) {
            try await SQLiteBackup.restore(from: directory.path("nothing"), to: target, chain: Self.chain, clock: RealTime.clock)
        }
        #expect(missing?.code == .notFound)
        #expect(!FileManager.default.fileExists(atPath: target) && !FileManager.default.fileExists(atPath: target + ".restoring"))
    }
}
