public import Configuration
import Foundation
import Yams

/// Where `tsunagud`'s settings come from: the environment, by the variable names of ``Setting/all`` only, then
/// the YAML file named by `--config` or `TSUNAGU_CONFIG`, then each setting's default. It also knows what in
/// them is *not* a setting, so a misspelt name is reported instead of silently ignored.
public struct SettingsSources: Sendable {
    /// Where a setting's value in force came from.
    public enum Origin: String, Sendable, Codable {
        case environment, file, `default`
    }

    /// The environment, as given.
    let environment: [String: String]
    /// The config file's path, if one is named.
    public let filePath: String?
    /// The file's values by dotted key, as text (scalars only; empty strings and nulls left out, as unset).
    let fileValues: [String: String]
    /// Every dotted key the file holds, set or not (for the unknown-key warning).
    let fileKeys: [String]

    /// Reads the environment (by default the process's own) and the config file, if one is named.
    ///
    /// - Throws: ``StartupError`` when the named file is missing or is not YAML of the documented shape.
    public static func load(configFile: String?, environment: [String: String]? = nil) throws -> SettingsSources {
        let environment = environment ?? ProcessInfo.processInfo.environment
        guard let path = configFile ?? environment["TSUNAGU_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return SettingsSources(environment: environment, filePath: nil, fileValues: [:], fileKeys: [])
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw StartupError("The config file \(path) (from --config or TSUNAGU_CONFIG) does not exist.")
        }
        let root: Any?
        do {
            root = try Yams.load(yaml: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw StartupError("The config file \(path) is not valid YAML of the documented shape.", cause: error)
        }
        var values: [String: String] = [:]
        var keys: [String] = []
        if let root {
            guard let mapping = root as? [String: Any] else {
                throw StartupError("The config file \(path) is not valid YAML of the documented shape: its top level must be a mapping.")
            }
            try flatten(mapping, prefix: "", into: &values, keys: &keys, path: path)
        }
        return SettingsSources(environment: environment, filePath: path, fileValues: values, fileKeys: keys.sorted())
    }

    private static func flatten(_ mapping: [String: Any], prefix: String, into values: inout [String: String], keys: inout [String], path: String)
        throws
    {
        for (name, value) in mapping {
            let key = prefix + name
            switch value {
            case let nested as [String: Any]:
                try flatten(nested, prefix: key + ".", into: &values, keys: &keys, path: path)
            case is [Any]:
                throw StartupError("The config file \(path) gives \(key) a list; it takes a single value.")
            default:
                keys.append(key)
                let text: String? =
                    switch value {
                    case let string as String: string
                    case let bool as Bool: bool ? "true" : "false"
                    case let number as Int: String(number)
                    case let number as Double: String(number)
                    default: nil  // null: unset
                    }
                if let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { values[key] = text }
            }
        }
    }

    /// The reader every setting is read through: the documented variables first, then the file.
    public func reader() -> ConfigReader {
        var fromEnvironment: [AbsoluteConfigKey: ConfigValue] = [:]
        var fromFile: [AbsoluteConfigKey: ConfigValue] = [:]
        for setting in Setting.all {
            let key = AbsoluteConfigKey(setting.configKey)
            if let value = environment[setting.variable] { fromEnvironment[key] = ConfigValue(.string(value), isSecret: setting.isSecret) }
            if let value = fileValues[setting.key] { fromFile[key] = ConfigValue(.string(value), isSecret: setting.isSecret) }
        }
        return ConfigReader(providers: [
            InMemoryProvider(name: "environment", values: fromEnvironment),
            InMemoryProvider(name: "config file", values: fromFile),
        ])
    }

    /// The config file's value for `setting`, as text, if the file sets it.
    public func fileValue(of setting: Setting) -> String? { fileValues[setting.key] }

    /// Where `setting`'s value comes from (a blank value counts as unset, as the reader treats it).
    public func origin(of setting: Setting) -> Origin {
        if let value = environment[setting.variable], !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .environment }
        if fileValues[setting.key] != nil { return .file }
        return .default
    }

    /// One sentence for each `TSUNAGU_*` variable and each file key that no setting reads, naming the closest
    /// one that is read: a setting under a wrong name would otherwise be silently ignored.
    public var warnings: [String] {
        let variables = Setting.all.map(\.variable)
        let known = Set(variables).union(Setting.otherVariables.keys)
        let unknownVariables = environment.keys.filter { $0.hasPrefix("TSUNAGU_") && !known.contains($0) }.sorted()
        let keys = Set(Setting.all.map(\.key))
        var sentences = unknownVariables.map { name in
            "The environment variable \(name) is not a Tsunagu setting and is ignored; did you mean \(Self.closest(to: name, in: variables))?"
        }
        for key in fileKeys where !keys.contains(key) {
            sentences.append(
                "The config file key \(key) is not a Tsunagu setting and is ignored; did you mean \(Self.closest(to: key, in: Setting.all.map(\.key)))?"
            )
        }
        return sentences
    }

    /// The candidate sharing the most words with `name` (`TSUNAGU_CLAIM_LEASE` → `TSUNAGU_CLAIM_LEASE_SECONDS`),
    /// then the nearest by edit distance (`TSUNAGU_WEBHOK_PORT` → `TSUNAGU_WEBHOOK_PORT`), ignoring case.
    static func closest(to name: String, in candidates: [String]) -> String {
        let words = Set(Self.words(of: name))
        func score(_ candidate: String) -> (shared: Int, distance: Int) {
            (Set(Self.words(of: candidate)).intersection(words).count, editDistance(name.lowercased(), candidate.lowercased()))
        }
        return candidates.min { a, b in
            let (x, y) = (score(a), score(b))
            return x.shared != y.shared ? x.shared > y.shared : x.distance < y.distance
        } ?? ""
    }

    /// The words of a variable (`TSUNAGU_DATA_KEY`) or a key (`tsunagu.dataKey`), lowercased.
    static func words(of name: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in name {
            if character == "_" || character == "." || (character.isUppercase && !current.isEmpty && current.last!.isLowercase) {
                if !current.isEmpty { words.append(current.lowercased()) }
                current = character.isLetter || character.isNumber ? String(character) : ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current.lowercased()) }
        return words
    }

    /// Levenshtein distance, one row at a time.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var diagonal = row[0]
            row[0] = i
            for j in 1...b.count {
                let above = row[j]
                row[j] = min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }
}

extension ConfigReader {
    /// The reader `tsunagud` uses (see ``SettingsSources``); `environment` defaults to the process's own.
    ///
    /// - Throws: ``StartupError`` when the named config file is missing or is not valid YAML.
    public static func tsunagu(configFile: String?, environment: [String: String]? = nil) throws -> ConfigReader {
        try SettingsSources.load(configFile: configFile, environment: environment).reader()
    }
}
