import ArgumentParser
import Foundation
import Logging
import TsunaguPostgres
import TsunaguSQLite
import TsunaguServer

extension Tsunagud {
    /// `tsunagud rotate-key`: rewraps every case key and the keyring under a new master key.
    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Rewrap every case key and the keyring under a new master key.",
            discussion: """
                Without downtime: restart tsunagud with TSUNAGU_DATA_KEY set to the new key and \
                TSUNAGU_DATA_KEY_PREVIOUS to the old one, then run this command with the same settings while it \
                serves; afterwards remove TSUNAGU_DATA_KEY_PREVIOUS and destroy the old key. With the server stopped, \
                --new-key-file does it in one step: everything is rewrapped from TSUNAGU_DATA_KEY to the key in that \
                file, which then becomes TSUNAGU_DATA_KEY. Only small keys are rewrapped, in one transaction; \
                transcripts, sealed data and pseudonyms do not change.
                """)

        @OptionGroup var options: ConfigOptions

        @Option(help: ArgumentHelp("A file with the new key (Base64 of 32 bytes), for a one-step rotation.", valueName: "path"))
        var newKeyFile: String?

        @Flag(name: .long, help: "Print JSON for scripts.")
        var json = false

        func run() async throws {
            do {
                let reader = try options.reader()
                let current = try TsunaguConfiguration.dataKey(reader: reader)
                let previous = try TsunaguConfiguration.previousDataKey(reader: reader)
                var target = current
                if let newKeyFile {
                    try TsunaguConfiguration.requireOwnerOnly(newKeyFile, named: "--new-key-file")
                    guard let text = try? String(contentsOfFile: newKeyFile, encoding: .utf8), let key = DataKey(base64: text) else {
                        throw StartupError(
                            "--new-key-file \(newKeyFile) does not hold a Base64-encoded 32-byte key; generate one with: head -c 32 /dev/urandom | base64"
                        )
                    }
                    target = key
                }
                let newKey = target
                let database = try TsunaguConfiguration.database(reader: reader)
                let release = newKeyFile == nil ? nil : try await Self.alone(database)
                let count = try await database.withStores(readOnly: false, clock: SystemTime.clock) { stores in
                    let opened = try await Keyring.open(stores.keys, current: current, previous: previous)
                    return try await Keyring.rotate(stores.keys, opened: opened, to: newKey)
                }
                await release?()
                if json {
                    try JSONOutput.print(["caseKeysRewrapped": count])
                } else {
                    print(
                        "Rewrapped \(count) case key\(count == 1 ? "" : "s") and the keyring under the \(newKeyFile == nil ? "current" : "new") key.")
                }
            } catch {
                throw Failure.exit(error)
            }
        }

        /// Holds the database alone, or refuses: a one-step rotation beside a running server would leave it sealing
        /// new cases under a key the keyring no longer holds. On SQLite a server holds the file's ``ServingLock``; on
        /// PostgreSQL every serving instance holds a ``PostgresServingLock``. Returns what lets it go.
        private static func alone(_ database: DatabaseSetting) async throws -> @Sendable () async -> Void {
            switch database {
            case .sqlite(let path):
                if let lock = try ServingLock.alone(databasePath: path) { return { withExtendedLifetime(lock) {} } }
            case .postgres(let location):
                var quiet = Logger(label: "tsunagu.postgres")
                quiet.logLevel = .critical
                let lock: PostgresServingLock?
                do {
                    lock = try await PostgresServingLock.alone(location, logger: quiet)
                } catch  where PostgresFailure.isDatabaseError(error) {
                    throw StartupError(PostgresFailure.describe(error, location: location))
                }
                if let lock { return { await lock.release() } }
            }
            throw StartupError(
                "A tsunagud server is serving \(database); stop it before rotate-key --new-key-file, or rotate without downtime "
                    + "with TSUNAGU_DATA_KEY_PREVIOUS (see --help).")
        }
    }
}
