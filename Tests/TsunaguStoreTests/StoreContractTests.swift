import Foundation
import Testing
import TsunaguCore
import TsunaguPostgres
import TsunaguStore
import TsunaguTesting

/// Each store contract, run unchanged against each backend: every check of a contract is one test case.
@Suite("Outbox store contract on SQLite")
struct SQLiteOutboxStoreContractTests {
    @Test("the SQLite outbox keeps the contract", arguments: OutboxStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try find(name, in: OutboxStoreContract.all)
        let directory = try TemporaryDirectory()
        let broken = try await check { SQLiteOutboxStore(database: try SQLiteDatabase.open(path: directory.path("outbox.sqlite"))) }
        #expect(broken == [])
    }
}

@Suite("Outbox store contract on PostgreSQL", .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
struct PostgresOutboxStoreContractTests {
    @Test("the PostgreSQL outbox keeps the contract", arguments: OutboxStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try find(name, in: OutboxStoreContract.all)
        let broken = try await check { PostgresOutboxStore(database: try await TestPostgres.makeDatabase()) }
        #expect(broken == [])
    }
}

/// The triage contract, run unchanged against each backend.
@Suite("Triage store contract on SQLite")
struct SQLiteTriageStoreContractTests {
    @Test("SQLite triage keeps the contract", arguments: TriageStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try find(name, in: TriageStoreContract.all)
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
        let check = try find(name, in: TriageStoreContract.all)
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
        let check = try find(name, in: StaffStoreContract.all)
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
        let check = try find(name, in: StaffStoreContract.all)
        let broken = try await check {
            let database = try await TestPostgres.makeDatabase()
            return (PostgresStaffStore(database: database), PostgresAuditLog(database: database))
        }
        #expect(broken == [])
    }
}

/// The key store contract, run unchanged against each backend.
@Suite("Key store contract on SQLite")
struct SQLiteKeyStoreContractTests {
    @Test("SQLite keys keep the contract", arguments: KeyStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try find(name, in: KeyStoreContract.all)
        let directory = try TemporaryDirectory()
        let broken = try await check {
            let database = try SQLiteDatabase.open(path: directory.path("keys.sqlite"))
            return (SQLiteKeyStore(database: database), SQLiteInboxStore(database: database), SQLiteTriageStore(database: database))
        }
        #expect(broken == [])
    }
}

@Suite("Key store contract on PostgreSQL", .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
struct PostgresKeyStoreContractTests {
    @Test("PostgreSQL keys keep the contract", arguments: KeyStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try find(name, in: KeyStoreContract.all)
        let broken = try await check {
            let database = try await TestPostgres.makeDatabase()
            return (PostgresKeyStore(database: database), PostgresInboxStore(database: database), PostgresTriageStore(database: database))
        }
        #expect(broken == [])
    }
}


/// The check of a contract with this name.
private func find<Check>(_ name: String, in checks: [(name: String, check: Check)]) throws -> Check {
    try #require(checks.first { $0.name == name }).check
}

/// The statistics contract, run unchanged against each backend.
@Suite("Statistics store contract on SQLite")
struct SQLiteStatisticsStoreContractTests {
    @Test("SQLite statistics keep the contract", arguments: StatisticsStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try find(name, in: StatisticsStoreContract.all)
        let directory = try TemporaryDirectory()
        let broken = try await check {
            let database = try SQLiteDatabase.open(path: directory.path("statistics.sqlite"))
            return .init(
                statistics: SQLiteStatisticsStore(database: database), inbox: SQLiteInboxStore(database: database),
                triage: SQLiteTriageStore(database: database), audit: SQLiteAuditLog(database: database))
        }
        #expect(broken == [])
    }
}

@Suite("Statistics store contract on PostgreSQL", .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
struct PostgresStatisticsStoreContractTests {
    @Test("PostgreSQL statistics keep the contract", arguments: StatisticsStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try find(name, in: StatisticsStoreContract.all)
        let broken = try await check {
            let database = try await TestPostgres.makeDatabase()
            return .init(
                statistics: PostgresStatisticsStore(database: database), inbox: PostgresInboxStore(database: database),
                triage: PostgresTriageStore(database: database), audit: PostgresAuditLog(database: database))
        }
        #expect(broken == [])
    }
}

/// The case store contract, run unchanged against each backend.
@Suite("Case store contract on SQLite")
struct SQLiteCaseStoreContractTests {
    @Test("SQLite cases keep the contract", arguments: CaseStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try find(name, in: CaseStoreContract.all)
        let directory = try TemporaryDirectory()
        let broken = try await check {
            let database = try SQLiteDatabase.open(path: directory.path("cases.sqlite"))
            return .init(
                cases: SQLiteCaseStore(database: database), staff: SQLiteStaffStore(database: database),
                inbox: SQLiteInboxStore(database: database), triage: SQLiteTriageStore(database: database),
                audit: SQLiteAuditLog(database: database))
        }
        #expect(broken == [])
    }
}

@Suite("Case store contract on PostgreSQL", .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
struct PostgresCaseStoreContractTests {
    @Test("PostgreSQL cases keep the contract", arguments: CaseStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try find(name, in: CaseStoreContract.all)
        let broken = try await check {
            let database = try await TestPostgres.makeDatabase()
            return .init(
                cases: PostgresCaseStore(database: database), staff: PostgresStaffStore(database: database),
                inbox: PostgresInboxStore(database: database), triage: PostgresTriageStore(database: database),
                audit: PostgresAuditLog(database: database))
        }
        #expect(broken == [])
    }
}
