import ArgumentParser
import Foundation
import TsunaguCore
import TsunaguPersistence
import TsunaguPostgres
import TsunaguSQLite
import TsunaguServer

extension Tsunagud {
    /// `tsunagud export`: the SQLite database, row for row, in a file for `tsunagud import`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the SQLite database named by TSUNAGU_DATABASE into a file, for tsunagud import.",
            discussion: """
                The first step of moving a deployment to PostgreSQL (docs/deployment.md): stop tsunagud, export, \
                import into an empty PostgreSQL database, then start the instances on it. The file is made owner-only \
                and holds everything the database holds, sealed as it is there (no message text, no LINE id in clear), \
                so treat it as the database: move it safely and delete it once the import is checked. The audit \
                chain is verified, with the data key, before anything is written.
                """)

        @OptionGroup var options: ConfigOptions
        @Option(help: ArgumentHelp("The file to write; it must not exist yet.", valueName: "path")) var output: String
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false

        func run() async throws {
            do {
                let path = try options.sqlitePath(
                    orRefuse: "tsunagud export reads a SQLite database; TSUNAGU_DATABASE names PostgreSQL.")
                let database = try SQLiteDatabase.openReadOnly(path: path, clock: SystemTime.clock)
                let chain = try await options.auditChainOpener()(SQLiteKeyStore(database: database))
                let header = try await SQLiteExport.write(database.chained(with: chain), to: output)
                try database.close()
                let rows = header.counts.values.reduce(0, +)
                if json {
                    try JSONOutput.print(header.counts)
                } else {
                    print(
                        "Exported \(rows) rows of \(header.counts.count) tables to \(output); the audit chain holds (\(header.auditEntries) entries)."
                    )
                }
            } catch {
                throw Failure.exit(error)
            }
        }
    }

    /// `tsunagud import`: a file from `tsunagud export` into an empty PostgreSQL database, checked.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a file from tsunagud export into the empty PostgreSQL database named by TSUNAGU_DATABASE.",
            discussion: """
                Migrates the database, refuses one that already holds data, loads every row in one transaction, \
                checks that each table has exactly the rows the file counted, and then that the audit chain holds \
                and ends where the exported one did. On any failure nothing is kept. Use the same TSUNAGU_DATA_KEY \
                as the exported deployment: the rows stay sealed with it.
                """)

        @OptionGroup var options: ConfigOptions
        @Option(help: ArgumentHelp("The file tsunagud export wrote.", valueName: "path")) var input: String
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false

        func run() async throws {
            do {
                guard case .postgres(let location) = try TsunaguConfiguration.database(reader: try options.reader()) else {
                    throw StartupError("tsunagud import loads into PostgreSQL; set TSUNAGU_DATABASE to a postgres:// URL.")
                }
                let input = input
                let chain = try options.auditChainOpener()
                let report = try await DatabaseSetting.withCommandConnection(to: location, clock: SystemTime.clock) { database in
                    try await database.migrate()
                    return try await PostgresImport.load(from: input, into: database, chain: chain)
                }
                if json {
                    try JSONOutput.print(report)
                } else {
                    let rows = report.counts.values.reduce(0, +)
                    print(
                        "Imported \(rows) rows of \(report.counts.count) tables; every count matches and the audit chain holds (\(report.audit.entries) entries)."
                    )
                }
            } catch {
                throw Failure.exit(error)
            }
        }
    }
}
