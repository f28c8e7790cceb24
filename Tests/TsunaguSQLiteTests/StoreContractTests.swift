import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguPostgres
import TsunaguSQLite
import TsunaguTesting

/// Every store contract, run unchanged against each backend: each check of each contract is one test case.
@Suite("Store contracts on SQLite")
struct SQLiteStoreContractTests {
    @Test("SQLite keeps every store contract", arguments: ContractCheck.all)
    func contract(_ check: ContractCheck) async throws {
        let folder = try TemporaryDirectory()  // Lives until the check ends.
        let broken = try await check.run(on: .sqlite(folder))
        #expect(broken == [])
    }
}

@Suite("Store contracts on PostgreSQL", .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
struct PostgresStoreContractTests {
    @Test("PostgreSQL keeps every store contract", arguments: ContractCheck.all)
    func contract(_ check: ContractCheck) async throws {
        let broken = try await check.run(on: .postgres)
        #expect(broken == [])
    }
}

/// A backend, able to make every store over one new, empty database.
enum Backend: Sendable {
    /// SQLite files in this folder, which the caller keeps until the check ends.
    case sqlite(TemporaryDirectory)
    case postgres

    struct Stores: Sendable {
        var inbox: any InboxStore
        var outbox: any OutboxStore
        var triage: any TriageStore
        var cases: any CaseStore
        var staff: any StaffStore
        var audit: any AuditLog
        var keys: any KeyStore
        var statistics: any StatisticsStore
        /// Which byte strings rest in the database's files (SQLite) or its dump (PostgreSQL).
        var leftover: @Sendable ([[UInt8]]) async throws -> [[UInt8]]
        /// Overwrites a conversation's state with bytes that do not decode, behind the stores' backs.
        var corruptConversation: @Sendable (Pseudonym) async throws -> Void
        /// Takes the database back to before one source of truth for a case, with these states, and migrates it again.
        var migrateFromOldFormat: @Sendable ([Pseudonym: String]) async throws -> [Pseudonym: String]
    }

    /// The migrations that made a case's row the only home of its record and holder, by backend.
    static let oneRecordMigration = (sqlite: "v17-one-case-record", postgres: "v14-one-case-record")

    /// What ``Stores/corruptConversation`` writes: a conversation cut off halfway.
    static let damagedState = #"{"state":{"queued""#

    /// - Parameter clock: what the stores stamp rows with.
    func makeStores(clock: WallClock = RealTime.clock) async throws -> Stores {
        switch self {
        case .sqlite(let folder):
            let path = folder.path("\(UUID().uuidString).sqlite")
            let database = try SQLiteDatabase.open(path: path, clock: clock).chained(with: AuditForgery.testChain)
            return Stores(
                inbox: SQLiteInboxStore(database: database), outbox: SQLiteOutboxStore(database: database),
                triage: SQLiteTriageStore(database: database), cases: SQLiteCaseStore(database: database),
                staff: SQLiteStaffStore(database: database), audit: SQLiteAuditLog(database: database),
                keys: SQLiteKeyStore(database: database), statistics: SQLiteStatisticsStore(database: database),
                leftover: { try await AtRest.leftover($0, in: database) },
                corruptConversation: { pseudonym in
                    let queue = try DatabaseQueue(path: path)
                    defer { try? queue.close() }
                    try await queue.write { db in
                        try db.execute(
                            sql: "UPDATE conversation SET state = ? WHERE pseudonym = ?", arguments: [Self.damagedState, pseudonym.rawValue])
                    }
                },
                migrateFromOldFormat: { states in
                    let queue = try DatabaseQueue(path: path)
                    defer { try? queue.close() }
                    try await queue.write { db in
                        try db.execute(sql: "ALTER TABLE triage_case DROP COLUMN concern")
                        try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [Self.oneRecordMigration.sqlite])
                        for (pseudonym, state) in states {
                            try db.execute(sql: "UPDATE conversation SET state = ? WHERE pseudonym = ?", arguments: [state, pseudonym.rawValue])
                        }
                    }
                    _ = try SQLiteDatabase.open(path: path, clock: clock)  // Migrates.
                    return try await queue.read { db in
                        Dictionary(
                            uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT pseudonym, state FROM conversation").map {
                                (Pseudonym(rawValue: $0[0]), $0[1] as String)
                            })
                    }
                })
        case .postgres:
            let (database, url) = try await TestPostgres.makeDatabaseWithURL(clock: clock)
            return Stores(
                inbox: PostgresInboxStore(database: database), outbox: PostgresOutboxStore(database: database, instance: "test"),
                triage: PostgresTriageStore(database: database), cases: PostgresCaseStore(database: database),
                staff: PostgresStaffStore(database: database), audit: PostgresAuditLog(database: database),
                keys: PostgresKeyStore(database: database), statistics: PostgresStatisticsStore(database: database),
                leftover: { try await AtRest.leftover($0, inDumpOf: url) },
                corruptConversation: { pseudonym in
                    let connection = try await TestPostgres.connect(to: url)
                    do {
                        try await connection.query(
                            "UPDATE conversation SET state = \(Self.damagedState) WHERE pseudonym = \(pseudonym.rawValue)",
                            logger: Logger(label: "test"))
                    } catch {
                        try? await connection.close()
                        throw error
                    }
                    try await connection.close()
                },
                migrateFromOldFormat: { states in
                    let connection = try await TestPostgres.connect(to: url)
                    let logger = Logger(label: "test")
                    var stored: [Pseudonym: String] = [:]
                    do {
                        try await connection.query("ALTER TABLE triage_case DROP COLUMN concern", logger: logger)
                        try await connection.query(
                            "DELETE FROM tsunagu_migration WHERE name = \(Self.oneRecordMigration.postgres)", logger: logger)
                        for (pseudonym, state) in states {
                            try await connection.query(
                                "UPDATE conversation SET state = \(state) WHERE pseudonym = \(pseudonym.rawValue)", logger: logger)
                        }
                        _ = try await database.migrate()
                        for try await (pseudonym, state) in try await connection.query(
                            "SELECT pseudonym, state FROM conversation", logger: logger
                        ).decode((String, String).self) {
                            stored[Pseudonym(rawValue: pseudonym)] = state
                        }
                    } catch {
                        try? await connection.close()
                        throw error
                    }
                    try await connection.close()
                    return stored
                })
        }
    }
}

/// One check of one contract, runnable against any backend.
struct ContractCheck: Sendable, CustomTestStringConvertible {
    let contract: String
    let name: String
    let run: @Sendable (Backend) async throws -> [String]

    var testDescription: String { "\(contract).\(name)" }

    func run(on backend: Backend) async throws -> [String] { try await run(backend) }

    static let all: [ContractCheck] =
        OutboxStoreContract.all.map { check in
            ContractCheck(contract: "outbox", name: check.name) { backend in
                try await check.check { try await backend.makeStores().outbox }
            }
        }
        + TriageStoreContract.all.map { check in
            ContractCheck(contract: "triage", name: check.name) { backend in
                try await check.check {
                    let stores = try await backend.makeStores()
                    return (stores.inbox, stores.triage)
                }
            }
        }
        + StaffStoreContract.all.map { check in
            ContractCheck(contract: "staff", name: check.name) { backend in
                try await check.check {
                    let stores = try await backend.makeStores()
                    return (stores.staff, stores.audit)
                }
            }
        }
        + KeyStoreContract.all.map { check in
            ContractCheck(contract: "keys", name: check.name) { backend in
                try await check.check {
                    let stores = try await backend.makeStores()
                    return (stores.keys, stores.inbox, stores.triage)
                }
            }
        }
        + StatisticsStoreContract.all.map { check in
            ContractCheck(contract: "statistics", name: check.name) { backend in
                try await check.check {
                    let stores = try await backend.makeStores()
                    return .init(statistics: stores.statistics, inbox: stores.inbox, triage: stores.triage, audit: stores.audit)
                }
            }
        }
        + erasure
        + CaseStoreContract.all.map { check in
            ContractCheck(contract: "cases", name: check.name) { backend in
                try await check.check {
                    let stores = try await backend.makeStores()
                    return .init(
                        cases: stores.cases, staff: stores.staff, inbox: stores.inbox, triage: stores.triage, audit: stores.audit,
                        statistics: stores.statistics, corruptConversation: stores.corruptConversation,
                        migrateFromOldFormat: stores.migrateFromOldFormat)
                }
            }
        }

    /// What must be destroyed, and when, searched for at rest.
    static let erasure: [ContractCheck] = ErasureContract.all.map { check in
        ContractCheck(contract: "erasure", name: check.name) { backend in
            try await check.check {
                let stores = try await backend.makeStores()
                return ErasureContract.Stores(
                    inbox: stores.inbox, triage: stores.triage, outbox: stores.outbox, cases: stores.cases, statistics: stores.statistics,
                    leftover: stores.leftover)
            }
        }
    }
}
