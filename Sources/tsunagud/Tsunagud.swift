import ArgumentParser
import Foundation
import TsunaguServer

/// `tsunagud`: the Tsunagu server and its operator commands.
@main
struct Tsunagud: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsunagud",
        abstract: "The Tsunagu server: anonymous LINE consultations for a women's-support office.",
        discussion: """
            Settings come from the environment (LINE_CHANNEL_SECRET, TSUNAGU_DATA_KEY, TSUNAGU_DATABASE, …), \
            which wins over the YAML file named by --config or TSUNAGU_CONFIG. config/tsunagu.yaml documents \
            every key, its default and its variable.
            """,
        version: TsunaguVersion.current,
        subcommands: [
            Serve.self, Config.self, CheckScript.self, RichMenuCommand.self, Announce.self, Migrate.self, Inbox.self, Outbox.self, Purge.self,
            RotateKey.self, Staff.self, Audit.self, Export.self,
            Import.self, Backup.self, Restore.self,
        ],
        defaultSubcommand: Serve.self)

    /// Runs the command, with the exit codes of the interface contract: 0 success, 1 failure, and 2 for a
    /// usage error (ArgumentParser's own default would be 64).
    static func main() async {
        // Every command may hold the master key: none leaves it in a core dump.
        if !ProcessHardening.disableDumping() {
            FileHandle.standardError.write(Data("tsunagud: warning: core dumps could not be turned off; the kernel refused.\n".utf8))
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
