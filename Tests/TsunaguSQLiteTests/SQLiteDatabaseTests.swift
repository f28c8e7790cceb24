import Foundation
import GRDB
import Testing
import TsunaguCore
import TsunaguTesting

@testable import TsunaguSQLite

@Suite("SQLite database")
struct SQLiteDatabaseTests {
    @Test("full durability is really in force: WAL, synchronous FULL, secure_delete on, temporary files in memory")
    func fullDurability() async throws {
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase.open(path: directory.path("db.sqlite"), durability: .full, clock: RealTime.clock)
        let pragmas = try await database.pragmas()
        #expect(pragmas == ["journal_mode": "wal", "synchronous": "2", "secure_delete": "1", "temp_store": "2"])
    }

    @Test("the log is checkpointed off the writer: the writer never checkpoints, the checkpointer does")
    func checkpointsOffTheWriter() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("db.sqlite")
        let database = try SQLiteDatabase.open(path: path, clock: RealTime.clock)
        #expect(try await database.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") } == 0)
        let size = { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        let before = size()
        // About 4 MB through the log, far more than the thousand pages at which the writer used to checkpoint.
        let store = SQLiteInboxStore(database: database)
        for batch in 0..<40 {
            _ = try await store.append(
                (0..<10).map { index in
                    var event = InboxStoreContract.event("e\(batch)-\(index)")
                    event.sealedEvent = Array(repeating: UInt8(index), count: 10_000)
                    return event
                })
        }
        // The database file receives the pages only from the checkpointer, which runs every half second.
        #expect(await eventually(within: .seconds(10)) { size() > before + 3_000_000 })
        try database.close()
    }

    @Test("a new database and its write-ahead log are readable by their owner only")
    func ownerOnlyFiles() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("db.sqlite")
        let store = SQLiteInboxStore(database: try SQLiteDatabase.open(path: path, clock: RealTime.clock))
        _ = try await store.append([InboxStoreContract.event("a")])
        for file in [path, path + "-wal", path + "-shm"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file) has mode \(String(mode ?? 0, radix: 8))")
        }
    }

    @Test("a folder it makes is owner-only; an existing database and its log readable by others are tightened to 0600")
    func tightensModes() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("made/db.sqlite")
        let first = try SQLiteDatabase.open(path: path, clock: RealTime.clock)
        _ = try await SQLiteInboxStore(database: first).append([InboxStoreContract.event("a")])
        #expect(try FileManager.default.attributesOfItem(atPath: directory.path("made"))[.posixPermissions] as? Int == 0o700)
        try first.close()
        // As a copy, a restore or an older version might have left them.
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        }
        let second = try SQLiteDatabase.open(path: path, clock: RealTime.clock)
        defer { try? second.close() }
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file) has mode \(String(mode ?? 0, radix: 8))")
        }
        // A folder that already exists is the operator's: left as it is.
        try FileManager.default.createDirectory(
            atPath: directory.path("shared"), withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        try SQLiteDatabase.open(path: directory.path("shared/db.sqlite"), clock: RealTime.clock).close()
        #expect(try FileManager.default.attributesOfItem(atPath: directory.path("shared"))[.posixPermissions] as? Int == 0o755)
    }

    @Test("normal durability is applied when asked for")
    func normalDurability() async throws {
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase.open(path: directory.path("db.sqlite"), durability: .normal, clock: RealTime.clock)
        #expect(try await database.pragmas()["synchronous"] == "1")
    }

    @Test("a path that cannot be written is refused in one sentence")
    func notWritable() throws {
        let error = #expect(throws: StoreError.self) {
            try SQLiteDatabase.open(path: "/proc/tsunagu-cannot-exist/db.sqlite", clock: RealTime.clock)
        }
        #expect(error?.code == .notWritable)
        #expect(error?.message.hasSuffix(".") == true)
    }

    @Test("the folder is created when missing, and a reopened database keeps its events")
    func reopen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("nested/folder/db.sqlite")
        let first = try SQLiteDatabase.open(path: path, clock: RealTime.clock)
        _ = try await SQLiteInboxStore(database: first).append([InboxStoreContract.event("kept")])
        try first.close()
        let second = try SQLiteDatabase.open(path: path, clock: RealTime.clock)
        #expect(try await SQLiteInboxStore(database: second).append([InboxStoreContract.event("kept")]) == [.duplicate])
    }

    @Test("a read-only view counts what the writer stored, while the writer is open")
    func readOnlyWhileOpen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("db.sqlite")
        let writer = SQLiteInboxStore(database: try SQLiteDatabase.open(path: path, clock: RealTime.clock))
        _ = try await writer.append([InboxStoreContract.event("a"), InboxStoreContract.event("b")])
        _ = try await writer.append([InboxStoreContract.event("a")])
        let reader = SQLiteInboxStore(database: try SQLiteDatabase.openReadOnly(path: path, clock: RealTime.clock))
        #expect(try await reader.counts() == InboxCounts(stored: 2, duplicates: 1, pending: 2, processed: 0))
    }

    @Test("opening a missing database read-only says how to create it")
    func readOnlyMissing() {
        let error = #expect(throws: StoreError.self) { try SQLiteDatabase.openReadOnly(path: "/nonexistent/db.sqlite", clock: RealTime.clock) }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("start tsunagud") == true)
    }
}
