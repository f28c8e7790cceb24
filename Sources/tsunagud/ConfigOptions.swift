import ArgumentParser
import Configuration
import Foundation
import TsunaguCore
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

    /// Runs `body` on the configured database's stores (SQLite or PostgreSQL), then closes it. With the data key
    /// set, as the service has it, the stores can write and verify the audit log (its chain is keyed).
    /// - Parameter readOnly: for commands that only look, and so are safe beside a running server.
    func withStores<Result: Sendable>(readOnly: Bool, _ body: @escaping @Sendable (StoreSet) async throws -> Result) async throws -> Result {
        let reader = try reader()
        return try await TsunaguConfiguration.database(reader: reader).withStores(
            readOnly: readOnly, clock: SystemTime.clock, dataKey: try TsunaguConfiguration.dataKeyIfSet(reader: reader),
            previousDataKey: try TsunaguConfiguration.previousDataKey(reader: reader), body)
    }

    /// Opens a database's audit chain with the configured data key (and the previous one, while rotating): for the
    /// commands that copy a database and verify the copy's chain.
    /// - Throws: ``AuditKeyMissing`` when no data key is set.
    func auditChainOpener() throws -> AuditChain.Opener {
        let reader = try sources().reader()  // Warnings were printed by the command's first reading.
        guard let current = try TsunaguConfiguration.dataKeyIfSet(reader: reader) else { throw AuditKeyMissing() }
        let previous = try TsunaguConfiguration.previousDataKey(reader: reader)
        return { keys in try await Keyring.auditChain(keys, current: current, previous: previous) }
    }
}
