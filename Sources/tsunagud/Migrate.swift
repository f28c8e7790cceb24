import ArgumentParser
import Foundation
import Logging
import TsunaguPostgres
import TsunaguServer
import TsunaguStore

extension Tsunagud {
    /// `tsunagud migrate`: brings the configured database's schema up to this version, on SQLite or PostgreSQL.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update the database's tables to this version's schema.",
            discussion: """
                Uses the database named by TSUNAGU_DATABASE: a SQLite file path, or a postgres:// URL \
                (postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=verify-full&sslrootcert=FILE). Migrations are \
                append-only and each runs once: running this again, or on several instances at once, is safe. \
                `tsunagud serve` also migrates a SQLite database at start-up; serving on PostgreSQL is not \
                available yet.
                """)

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let reader = try await options.reader()
            let value = TsunaguConfiguration.databaseSetting(reader: reader)
            guard PostgresLocation.isPostgresURL(value) else {
                do {
                    try SQLiteDatabase.open(path: value).close()
                    print("The SQLite database at \(value) is up to date.")
                } catch {
                    throw Failure.exit(error)
                }
                return
            }
            let location: PostgresLocation
            do {
                location = try PostgresLocation(url: value)
            } catch {
                throw Failure.exit(StartupError("\(error)"))
            }
            do {
                // Quiet: the pool's own log lines would repeat what the one sentence below says.
                var logger = Logger(label: "tsunagu.migrate")
                logger.logLevel = .critical
                let database = try SharedDatabase(location: location, poolSize: 2, logger: logger)
                try await database.probe()
                let applied = try await withThrowingTaskGroup(of: [String]?.self) { group in
                    group.addTask {
                        try await database.run()
                        return nil
                    }
                    group.addTask { try await database.migrate() }
                    defer { group.cancelAll() }
                    while let result = try await group.next() { if let applied = result { return applied } }
                    return []
                }
                print(applied.isEmpty
                    ? "The PostgreSQL database is up to date."
                    : "Applied to the PostgreSQL database: \(applied.joined(separator: ", ")).")
            } catch {
                throw Failure.exit(StartupError(PostgresFailure.describe(error, location: location)))
            }
        }
    }
}
