import ArgumentParser
import Foundation
import TsunaguPostgres
import TsunaguSQLite
import TsunaguServer

extension Tsunagud {
    /// `tsunagud migrate`: brings the configured database's schema up to this version, on SQLite or PostgreSQL.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update the database's tables to this version's schema.",
            discussion: """
                Uses the database named by TSUNAGU_DATABASE: a SQLite file path, or a postgres:// URL \
                (postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=verify-full&sslrootcert=FILE). Migrations are \
                append-only and each runs once: running this again, or on several instances at once, is safe. \
                `tsunagud serve` and the commands that change data also migrate at start-up.
                """)

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            do {
                switch try TsunaguConfiguration.database(reader: try options.reader()) {
                case .sqlite(let path):
                    try SQLiteDatabase.open(path: path, clock: SystemTime.clock).close()
                    print("The SQLite database at \(path) is up to date.")
                case .postgres(let location):
                    try await migrate(location)
                }
            } catch {
                throw Failure.exit(error)
            }
        }

        private func migrate(_ location: PostgresLocation) async throws {
            let applied = try await DatabaseSetting.withCommandConnection(to: location, clock: SystemTime.clock) { database in
                try await database.migrate()
            }
            print(
                applied.isEmpty
                    ? "The PostgreSQL database is up to date."
                    : "Applied to the PostgreSQL database: \(applied.joined(separator: ", ")).")
        }
    }
}
