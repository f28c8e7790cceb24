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
        let check = try OutboxStoreContract.check(named: name)
        let directory = try TemporaryDirectory()
        let broken = try await check { SQLiteOutboxStore(database: try SQLiteDatabase.open(path: directory.path("outbox.sqlite"))) }
        #expect(broken == [])
    }
}

@Suite("Outbox store contract on PostgreSQL", .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
struct PostgresOutboxStoreContractTests {
    @Test("the PostgreSQL outbox keeps the contract", arguments: OutboxStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try OutboxStoreContract.check(named: name)
        let broken = try await check { PostgresOutboxStore(database: try await TestPostgres.makeDatabase()) }
        #expect(broken == [])
    }
}

/// The triage contract, run unchanged against each backend.
@Suite("Triage store contract on SQLite")
struct SQLiteTriageStoreContractTests {
    @Test("SQLite triage keeps the contract", arguments: TriageStoreContract.all.map(\.name))
    func contract(_ name: String) async throws {
        let check = try TriageStoreContract.check(named: name)
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
        let check = try TriageStoreContract.check(named: name)
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
        let check = try StaffStoreContract.check(named: name)
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
        let check = try StaffStoreContract.check(named: name)
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
        let check = try KeyStoreContract.check(named: name)
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
        let check = try KeyStoreContract.check(named: name)
        let broken = try await check {
            let database = try await TestPostgres.makeDatabase()
            return (PostgresKeyStore(database: database), PostgresInboxStore(database: database), PostgresTriageStore(database: database))
        }
        #expect(broken == [])
    }
}

extension OutboxStoreContract {
    static func check(named name: String) throws -> @Sendable (MakeStore) async throws -> [String] { try find(name, in: all) }
}
extension TriageStoreContract {
    static func check(named name: String) throws -> @Sendable (MakeStores) async throws -> [String] { try find(name, in: all) }
}
extension StaffStoreContract {
    static func check(named name: String) throws -> @Sendable (MakeStores) async throws -> [String] { try find(name, in: all) }
}
extension KeyStoreContract {
    static func check(named name: String) throws -> @Sendable (MakeStores) async throws -> [String] { try find(name, in: all) }
}

/// The check of a contract with this name.
private func find<Check>(_ name: String, in checks: [(name: String, check: Check)]) throws -> Check {
    try #require(checks.first { $0.name == name }).check
}
