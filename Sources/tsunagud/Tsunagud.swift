import ArgumentParser
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
        subcommands: [Serve.self, Inbox.self, Outbox.self, Purge.self, RotateKey.self],
        defaultSubcommand: Serve.self)
}
