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
}
