import Foundation
import Testing
import TsunaguCore
import TsunaguPostgres
import TsunaguStore
import TsunaguTesting

/// The outbox contract, run unchanged against each backend: every check of ``OutboxStoreContract`` is one case.
@Suite("Outbox store contract on SQLite")
struct SQLiteOutboxStoreContractTests {
    @Test("the SQLite outbox keeps the contract", arguments: OutboxStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try #require(OutboxStoreContract.all.first { $0.name == name }).check
        let directory = try TemporaryDirectory()
        let broken = try await check { SQLiteOutboxStore(database: try SQLiteDatabase.open(path: directory.path("outbox.sqlite"))) }
        #expect(broken == [])
    }
}

@Suite("Outbox store contract on PostgreSQL", .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
struct PostgresOutboxStoreContractTests {
    @Test("the PostgreSQL outbox keeps the contract", arguments: OutboxStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try #require(OutboxStoreContract.all.first { $0.name == name }).check
        let broken = try await check { PostgresOutboxStore(database: try await TestPostgres.makeDatabase()) }
        #expect(broken == [])
    }
}

/// The triage contract, run unchanged against each backend.
@Suite("Triage store contract on SQLite")
struct SQLiteTriageStoreContractTests {
    @Test("SQLite triage keeps the contract", arguments: TriageStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try #require(TriageStoreContract.all.first { $0.name == name }).check
        let directory = try TemporaryDirectory()
        let broken = try await check {
            let database = try SQLiteDatabase.open(path: directory.path("triage.sqlite"))
            return (SQLiteInboxStore(database: database), SQLiteTriageStore(database: database))
        }
        #expect(broken == [])
    }
}

@Suite("Triage store contract on PostgreSQL", .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
struct PostgresTriageStoreContractTests {
    @Test("PostgreSQL triage keeps the contract", arguments: TriageStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try #require(TriageStoreContract.all.first { $0.name == name }).check
        let broken = try await check {
            let database = try await TestPostgres.makeDatabase()
            return (PostgresInboxStore(database: database), PostgresTriageStore(database: database))
        }
        #expect(broken == [])
    }
}

/// The staff and audit contract, run unchanged against each backend.
@Suite("Staff store contract on SQLite")
struct SQLiteStaffStoreContractTests {
    @Test("SQLite staff and audit keep the contract", arguments: StaffStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try #require(StaffStoreContract.all.first { $0.name == name }).check
        let directory = try TemporaryDirectory()
        let broken = try await check {
            let database = try SQLiteDatabase.open(path: directory.path("staff.sqlite"))
            return (SQLiteStaffStore(database: database), SQLiteAuditLog(database: database))
        }
        #expect(broken == [])
    }
}

@Suite("Staff store contract on PostgreSQL", .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
struct PostgresStaffStoreContractTests {
    @Test("PostgreSQL staff and audit keep the contract", arguments: StaffStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try #require(StaffStoreContract.all.first { $0.name == name }).check
        let broken = try await check {
            let database = try await TestPostgres.makeDatabase()
            return (PostgresStaffStore(database: database), PostgresAuditLog(database: database))
        }
        #expect(broken == [])
    }
}
