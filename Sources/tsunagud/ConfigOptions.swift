import ArgumentParser
import Configuration
import TsunaguServer
import TsunaguStore

/// The option every subcommand shares: where the config file is.
struct ConfigOptions: ParsableArguments {
    @Option(
        name: .long, help: ArgumentHelp("A YAML config file; environment variables override it.", valueName: "path"))
    var config: String?

    func reader() async throws -> ConfigReader {
        try await ConfigReader.tsunagu(configFile: config)
    }

    /// The configured database, opened for writing (and migrated): for commands that change it.
    func openDatabase() async throws -> SQLiteDatabase {
        try SQLiteDatabase.open(path: try TsunaguConfiguration.databasePath(reader: try await reader()))
    }

    /// The configured database, opened for reading only: what operator commands look at while the server runs.
    func openDatabaseReadOnly() async throws -> SQLiteDatabase {
        try SQLiteDatabase.openReadOnly(path: try TsunaguConfiguration.databasePath(reader: try await reader()))
    }
}
