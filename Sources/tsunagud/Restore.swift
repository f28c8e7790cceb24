import ArgumentParser
import Foundation
import TsunaguSQLite
import TsunaguServer

extension Tsunagud {
    /// `tsunagud restore`: a file from `tsunagud backup`, checked, as the SQLite database where there is none.
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a file from tsunagud backup as the SQLite database named by TSUNAGU_DATABASE, which must not exist.",
            discussion: """
                Refuses to replace a database: stop tsunagud and move the old file (and its -wal and -shm files) away \
                first. The backup is checked (SQLite's integrity check and the audit chain, keyed: set the data key) before anything is written, \
                the copy is checked again before it is moved into place, and it is then migrated to this version. Run it \
                as the user the server runs as (the Debian package's is tsunagu), so that the server can open the file, \
                and start the server with the data key the backup was made under.
                """)

        @OptionGroup var options: ConfigOptions
        @Argument(help: ArgumentHelp("The file tsunagud backup wrote.", valueName: "file")) var file: String
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false

        func run() async throws {
            do {
                let path = try options.sqlitePath(
                    orRefuse: "tsunagud restore writes a SQLite database; on PostgreSQL use pg_restore (docs/deployment.md).")
                let report = try await SQLiteBackup.restore(from: file, to: path, chain: try options.auditChainOpener(), clock: SystemTime.clock)
                if json {
                    try JSONOutput.print(report)
                } else {
                    print("Restored \(file) to \(report.path); \(report.checks).")
                }
            } catch {
                throw Failure.exit(error)
            }
        }
    }
}
