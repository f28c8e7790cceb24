import ArgumentParser
import Foundation
import TsunaguSQLite
import TsunaguServer

extension Tsunagud {
    /// `tsunagud backup`: an online, verified copy of the SQLite database.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the SQLite database named by TSUNAGU_DATABASE into a new owner-only file, and verify the copy.",
            discussion: """
                Safe while the server runs: the copy is the database as of one moment (SQLite's backup API), and the \
                server keeps writing meanwhile. The file is then read back and checked (SQLite's integrity check and the \
                audit chain, keyed: set the data key); a copy that fails is deleted and the exit status is 1. The file holds what the database \
                holds, sealed: it cannot be read without the data key, so keep the key elsewhere. Restore it with \
                tsunagud restore. On PostgreSQL, use pg_dump or base backups (docs/deployment.md).
                """)

        @OptionGroup var options: ConfigOptions
        @Option(help: ArgumentHelp("The file to write; it must not exist yet.", valueName: "path")) var output: String
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false

        func run() async throws {
            do {
                let path = try options.sqlitePath(
                    orRefuse: "tsunagud backup copies a SQLite database; on PostgreSQL use pg_dump or base backups (docs/deployment.md).")
                let report = try await SQLiteBackup.write(
                    databaseAt: path, to: output, chain: try options.auditChainOpener(), clock: SystemTime.clock)
                if json {
                    try JSONOutput.print(report)
                } else {
                    print("Backed up \(path) to \(report.path) (\(report.bytes) bytes); \(report.checks).")
                }
            } catch {
                throw Failure.exit(error)
            }
        }
    }
}
