import ArgumentParser
import Configuration
import TsunaguServer

/// The option every subcommand shares: where the config file is.
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .long, help: ArgumentHelp("A YAML config file; environment variables override it.", valueName: "path"))
    var config: String?

    func reader() async throws -> ConfigReader {
        try await ConfigReader.tsunagu(configFile: config)
    }

    /// Runs `body` on the configured database's stores (SQLite or PostgreSQL), then closes it.
    /// - Parameter readOnly: for commands that only look, and so are safe beside a running server.
    func withStores<Result: Sendable>(readOnly: Bool, _ body: @escaping @Sendable (StoreSet) async throws -> Result) async throws -> Result {
        try await TsunaguConfiguration.database(reader: try await reader()).withStores(readOnly: readOnly, body)
    }
}
