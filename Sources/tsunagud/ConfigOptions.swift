import ArgumentParser
import Configuration
import Foundation
import TsunaguServer

/// The option every subcommand shares: where the config file is.
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .long, help: ArgumentHelp("A YAML config file; environment variables override it.", valueName: "path"))
    var config: String?

    /// The environment and the config file, as read now.
    func sources() throws -> SettingsSources {
        try SettingsSources.load(configFile: config)
    }

    /// The settings' reader, after a warning on stderr for each name that is not a setting.
    func reader() throws -> ConfigReader {
        let sources = try sources()
        for warning in sources.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        return sources.reader()
    }

    /// The SQLite file `TSUNAGU_DATABASE` names, for the commands that work on SQLite only.
    /// - Parameter refusal: the sentence to stop with when it names PostgreSQL.
    func sqlitePath(orRefuse refusal: String) throws -> String {
        guard case .sqlite(let path) = try TsunaguConfiguration.database(reader: try reader()) else { throw StartupError(refusal) }
        return path
    }

    /// Runs `body` on the configured database's stores (SQLite or PostgreSQL), then closes it.
    /// - Parameter readOnly: for commands that only look, and so are safe beside a running server.
    func withStores<Result: Sendable>(readOnly: Bool, _ body: @escaping @Sendable (StoreSet) async throws -> Result) async throws -> Result {
        try await TsunaguConfiguration.database(reader: try reader()).withStores(readOnly: readOnly, body)
    }
}
