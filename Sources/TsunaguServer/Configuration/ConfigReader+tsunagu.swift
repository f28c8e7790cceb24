public import Configuration
import Foundation

extension ConfigReader {
    /// The reader `tsunagud` uses: overrides first (command-line options), then the environment, then the
    /// YAML config file when one is named (by `--config` or `TSUNAGU_CONFIG`), then the built-in defaults.
    ///
    /// `environment` defaults to the process's own.
    ///
    /// - Throws: ``StartupError`` when the named config file is missing or is not valid YAML.
    public static func tsunagu(
        configFile: String?,
        environment: [String: String]? = nil,
        overrides: [AbsoluteConfigKey: ConfigValue] = [:]
    ) async throws -> ConfigReader {
        let environment = environment ?? ProcessInfo.processInfo.environment
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "command line", values: overrides),
            EnvironmentVariablesProvider(
                environmentVariables: environment, secretsSpecifier: .specific(SettingKey.secretVariables)),
        ]
        if let path = configFile ?? environment["TSUNAGU_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard FileManager.default.fileExists(atPath: path) else {
                throw StartupError("The config file \(path) (from --config or TSUNAGU_CONFIG) does not exist.")
            }
            do {
                let location = ConfigReader(provider: InMemoryProvider(values: ["filePath": ConfigValue(.string(path), isSecret: false)]))
                providers.append(try await FileProvider<YAMLSnapshot>(config: location))
            } catch {
                throw StartupError("The config file \(path) is not valid YAML of the documented shape.", cause: error)
            }
        }
        return ConfigReader(providers: providers)
    }
}
