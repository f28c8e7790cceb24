import Foundation
import Logging
public import PostgresNIO
public import TsunaguCore
import TsunaguCoreTesting
public import TsunaguPostgres

/// The PostgreSQL server the tests use: the one `scripts/test` starts in a temporary cluster and names in
/// `TSUNAGU_TEST_POSTGRES_URL`. Every test gets a database of its own, created empty and migrated, so tests run
/// in parallel without seeing each other's rows.
public enum TestPostgres {
    /// The server's URL, when there is one.
    public static let url = ProcessInfo.processInfo.environment["TSUNAGU_TEST_POSTGRES_URL"]

    /// Whether PostgreSQL tests can run; when not, they are skipped with ``unavailableReason``.
    public static var isAvailable: Bool { url != nil }

    public static let unavailableReason =
        "PostgreSQL is not available: TSUNAGU_TEST_POSTGRES_URL is not set (scripts/test starts a temporary server and sets it)"

    /// One pool on the server's maintenance database, for creating the tests' databases.
    private static let admin: PostgresClient? = {
        guard let url, let location = try? PostgresLocation(url: url),
            let configuration = try? location.clientConfiguration(poolSize: 2)
        else { return nil }
        let client = PostgresClient(configuration: configuration)
        Task.detached { await client.run() }
        return client
    }()

    /// A new, empty database on the test server, migrated, whose pool runs for the rest of the test process.
    /// - Parameter clock: what the stores stamp rows with (real time unless the test pins it).
    public static func makeDatabase(poolSize: Int = 8, migrated: Bool = true, clock: WallClock = RealTime.clock) async throws -> SharedDatabase {
        try await makeDatabaseWithURL(poolSize: poolSize, migrated: migrated, clock: clock).database
    }

    /// ``makeDatabase(poolSize:migrated:clock:)``, and the new database's URL (for ``dump(url:)``).
    public static func makeDatabaseWithURL(
        poolSize: Int = 8, migrated: Bool = true, clock: WallClock = RealTime.clock
    ) async throws -> (database: SharedDatabase, url: String) {
        let url = try await makeDatabaseURL()
        // Chained as a daemon with the tests' data key chains it, so that the stores can write the audit log.
        let database = try SharedDatabase(
            location: try PostgresLocation(url: url), poolSize: poolSize, clock: clock, logger: Logger(label: "tsunagu.test.postgres")
        ).chained(with: AuditForgery.testChain)
        Task.detached { try await database.run() }
        if migrated { try await database.migrate() }
        return (database, url)
    }

    /// The whole database at `url` as `pg_dump` writes it (plain SQL; `bytea` as `\\x` and lower-case hex): what a
    /// backup of it holds. Uses the newest `pg_dump` of Debian's PostgreSQL packages.
    public static func dump(url: String) async throws -> String {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = folders.sorted(by: { $0.compare($1, options: .numeric) == .orderedAscending }).last else {
            throw TestPostgresUnavailable()
        }
        let process = try ChildProcess(
            executable: "/usr/lib/postgresql/\(version)/bin/pg_dump", arguments: ["--no-owner", "--dbname=\(url)"],
            environment: ProcessInfo.processInfo.environment, standardError: .discarded)
        guard try await process.waitForExit(within: .seconds(120)) == 0 else { throw TestPostgresUnavailable() }
        await process.waitForOutputToEnd()
        return process.standardOutput
    }

    /// One connection to the database at `url` (a test reading what `tsunagud` processes wrote); close it after.
    public static func connect(to url: String) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            configuration: try PostgresLocation(url: url).connectionConfiguration(), id: 1, logger: Logger(label: "tsunagu.test.postgres"))
    }

    /// The URL of a new, empty database, for a `tsunagud` process to use.
    public static func makeDatabaseURL() async throws -> String {
        guard let url, let admin else { throw TestPostgresUnavailable() }
        let name = "tsunagu_test_" + RealTime.ids.nextString().replacingOccurrences(of: "-", with: "")
        try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        guard var components = URLComponents(string: url) else { throw TestPostgresUnavailable() }
        components.path = "/" + name
        return components.string ?? url
    }
}

/// Thrown when a test asks for PostgreSQL without checking ``TestPostgres/isAvailable`` first.
public struct TestPostgresUnavailable: Error, CustomStringConvertible {
    public var description: String { TestPostgres.unavailableReason }
}
