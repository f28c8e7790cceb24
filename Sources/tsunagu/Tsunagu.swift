import ArgumentParser
import Foundation
import TsunaguClient

/// `tsunagu`: the counsellor and supervisor CLI, over the staff API. The commands' behaviour and texts live in
/// `TsunaguClient`; this executable parses arguments and composes the client (``Composition``).
@main
struct Tsunagu: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsunagu",
        abstract: "Work the Tsunagu queue from a terminal.",
        discussion: """
            Log in once with the token an admin gave you (tsunagu login --server URL). TSUNAGU_SERVER and \
            TSUNAGU_TOKEN override the saved login. Every listing has --json for scripts.
            """,
        subcommands: [
            Login.self, Queue.self, Claim.self, Mine.self, Show.self, Chat.self, Reply.self, Note.self, Canned.self, Transfer.self,
            Release.self, Close.self, Outcomes.self, Watch.self, Handover.self, Record.self, Stats.self, Phone.self,
        ])

    /// Exit codes of the interface contract: 0 success, 1 failure, 2 usage error.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CLIFailure {
            Composition.terminal.fail(failure)
            Foundation.exit(1)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// A library check's usage error as ArgumentParser's, so it exits 2 with the usage.
func usage(_ check: () throws(UsageError) -> Void) throws {
    do { try check() } catch { throw ValidationError(error.sentence) }
}
