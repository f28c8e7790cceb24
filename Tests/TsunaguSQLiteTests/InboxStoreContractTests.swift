import Foundation
import Testing
import TsunaguCore
import TsunaguPostgres
import TsunaguSQLite
import TsunaguTesting

/// The store contract, run unchanged against every backend.
@Suite("Inbox store contract")
struct InboxStoreContractTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqliteFile, sqliteMemory, inMemoryTwin
        var testDescription: String { rawValue }

        func make() throws -> any InboxStore {
            switch self {
            case .sqliteFile:
                let path = FileManager.default.temporaryDirectory
                    .appendingPathComponent("tsunagu-contract-\(UUID().uuidString)/inbox.sqlite").path
                return SQLiteInboxStore(database: try SQLiteDatabase.open(path: path, clock: RealTime.clock))
            case .sqliteMemory: return SQLiteInboxStore(database: try SQLiteDatabase.inMemory(clock: RealTime.clock))
            case .inMemoryTwin: return InMemoryInboxStore()
            }
        }
    }

    @Test("a repeated event id is a duplicate, in a later append or the same one", arguments: Backend.allCases)
    func dedupe(_ backend: Backend) async throws {
        #expect(try await InboxStoreContract.dedupe { try backend.make() } == [])
    }

    @Test("concurrent appends store each id exactly once", arguments: Backend.allCases)
    func concurrent(_ backend: Backend) async throws {
        #expect(try await InboxStoreContract.concurrentAppends { try backend.make() } == [])
    }

    @Test("an empty append changes nothing", arguments: Backend.allCases)
    func empty(_ backend: Backend) async throws {
        #expect(try await InboxStoreContract.emptyAppend { try backend.make() } == [])
    }
}

/// The same contract on PostgreSQL, each check on a database of its own.
@Suite("Inbox store contract on PostgreSQL", .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
struct PostgresInboxStoreContractTests {
    let make: InboxStoreContract.MakeStore = { PostgresInboxStore(database: try await TestPostgres.makeDatabase()) }

    @Test("a repeated event id is a duplicate, in a later append or the same one")
    func dedupe() async throws {
        #expect(try await InboxStoreContract.dedupe(make) == [])
    }

    @Test("concurrent appends store each id exactly once")
    func concurrent() async throws {
        #expect(try await InboxStoreContract.concurrentAppends(make) == [])
    }

    @Test("an empty append changes nothing")
    func empty() async throws {
        #expect(try await InboxStoreContract.emptyAppend(make) == [])
    }
}
