/// What `tsunagud config` shows: every setting in force, where it came from, and the names that are not settings.
public struct SettingsReport: Sendable, Codable, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        public var variable: String
        public var key: String
        /// The value in force; a secret only as `set` or `unset`.
        public var value: String
        public var source: SettingsSources.Origin
        public var secret: Bool
    }

    public var configFile: String?
    public var settings: [Row]
    public var warnings: [String]

    public init(configuration: TsunaguConfiguration, sources: SettingsSources) {
        configFile = sources.filePath
        settings = Setting.all.map { setting in
            Row(
                variable: setting.variable, key: setting.key, value: configuration.valueInForce(of: setting),
                source: sources.origin(of: setting), secret: setting.isSecret)
        }
        warnings = sources.warnings
    }

    /// The report as an aligned table for a terminal.
    public var table: String {
        let width = Setting.all.map(\.variable.count).max() ?? 0
        let valueWidth = min(40, settings.map(\.value.count).max() ?? 0)
        func padded(_ text: String, to length: Int) -> String { text + String(repeating: " ", count: max(2, length + 2 - text.count)) }
        var lines = settings.map { row in padded(row.variable, to: width) + padded(row.value, to: valueWidth) + row.source.rawValue }
        lines.append("")
        lines.append("config file: \(configFile ?? "none (set --config or TSUNAGU_CONFIG to use one)")")
        return lines.joined(separator: "\n")
    }

    /// The README's configuration table, made from ``Setting/all`` so the two cannot drift apart.
    public static var markdown: String {
        var lines = ["| variable | file key | default | secret | what it sets |", "|---|---|---|---|---|"]
        for setting in Setting.all {
            lines.append(
                "| `\(setting.variable)` | `\(setting.key)` | \(setting.defaultValue.map { "`\($0)`" } ?? "—") | "
                    + "\(setting.isSecret ? "secret" : "") | \(setting.summary) |")
        }
        lines.append("| `TSUNAGU_CONFIG` | — | — | | \(Setting.otherVariables["TSUNAGU_CONFIG"]!) |")
        return lines.joined(separator: "\n")
    }
}
