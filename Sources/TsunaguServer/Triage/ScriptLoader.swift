import Foundation
import LineMessaging
public import TsunaguCore
import TsunaguMeCab
import Yams

/// Reads `config/script.ja.yaml` into a ``TriageEngine``, or explains in one sentence what is wrong and where.
///
/// Problems are reported with the file and the line of the YAML node they concern, found by walking the
/// composed YAML tree along the problem's key path, so an operator who mistyped one label finds it at once.
public enum ScriptLoader {
    /// The script at `path`, with danger detection complete: MeCab, and the model file the script names.
    /// - Parameter retentionDays: the retention setting in force, which the welcome tells her.
    public static func load(path: String, retentionDays: Int = 90) throws(StartupError) -> TriageEngine {
        guard let data = FileManager.default.contents(atPath: path), let yaml = String(data: data, encoding: .utf8) else {
            throw StartupError("The conversation script \(path) cannot be read; set TSUNAGU_SCRIPT to the script's path.")
        }
        let analyzer: MeCabAnalyzer
        switch sharedAnalyzer {
        case .success(let shared): analyzer = shared
        case .failure(let error): throw StartupError(error.description)
        }
        return try load(
            yaml: yaml, name: path, directory: URL(fileURLWithPath: path).deletingLastPathComponent().path, analyzer: analyzer,
            retentionDays: retentionDays)
    }

    /// A sentence for each office fact the script leaves unset (start-up and `tsunagud check-script` print them).
    public static func officeWarnings(_ script: ConversationScript, path: String) -> [String] {
        script.office.unsetKeys.map { key in
            "\(path): office.values.\(key) is not set, so she reads 「\(script.office.unset)」 in its place; the office should fill it in."
        }
    }

    /// One MeCab for the process: loading its dictionary takes a moment, and its taggers are pooled.
    private static let sharedAnalyzer = Result<MeCabAnalyzer, MeCabUnavailable> { () throws(MeCabUnavailable) in try MeCabAnalyzer() }

    /// - Parameters:
    ///   - name: how the file is named in errors.
    ///   - directory: where the files the script names (its safety model) are; `nil` leaves the model out.
    ///   - analyzer: the morphological analyser for danger detection; `nil` leaves only the text patterns.
    public static func load(
        yaml: String, name: String, directory: String? = nil, analyzer: (any MorphologicalAnalyzer)? = nil, retentionDays: Int = 90
    ) throws(StartupError) -> TriageEngine {
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw StartupError("The conversation script \(name) is empty.")
            }
            node = composed
        } catch let error as StartupError {
            throw error
        } catch let error as YamlError {
            throw StartupError("The conversation script \(name) is not valid YAML: \(describe(error)).")
        } catch {
            throw StartupError("The conversation script \(name) is not valid YAML.")
        }

        let script: ConversationScript
        do {
            script = try YAMLDecoder().decode(ConversationScript.self, from: node)
        } catch let error as DecodingError {
            let (path, problem) = describe(error)
            throw broken(name, node: node, path: path, problem: problem)
        } catch {
            throw StartupError("The conversation script \(name) cannot be read: \(error).")
        }
        if let problem = script.validate().first {
            throw broken(name, node: node, path: problem.path, problem: problem.message)
        }
        // LINE's rules for the rich menu, from the one place the client and the sandbox also check them.
        if let problem = RichMenuInstaller.menu(from: script).validate() {
            throw broken(name, node: node, path: ["richMenu"], problem: String(problem.dropLast(problem.hasSuffix(".") ? 1 : 0)))
        }
        var model: SafetyModel?
        if let directory, let file = script.safety.model {
            let modelPath = URL(fileURLWithPath: directory).appendingPathComponent(file).path
            guard let text = try? String(contentsOfFile: modelPath, encoding: .utf8) else {
                throw broken(name, node: node, path: ["safety", "model"], problem: "names \(modelPath), which cannot be read")
            }
            do {
                model = try SafetyModel(text: text)
            } catch {
                throw broken(name, node: node, path: ["safety", "model"], problem: "names \(modelPath), whose line \(error.line) is malformed")
            }
        }
        do {
            return try TriageEngine(
                script: script, safety: SafetyDetector(lexicon: script.safety, analyzer: analyzer, model: model), retentionDays: retentionDays)
        } catch {
            throw broken(name, node: node, path: error.path, problem: error.message)
        }
    }

    private static func broken(_ name: String, node: Node, path: [String], problem: String) -> StartupError {
        let line = self.line(of: path, in: node).map { ":\($0)" } ?? ""
        let location = path.isEmpty ? "" : " (\(path.joined(separator: ".")))"
        return StartupError("The conversation script \(name)\(line)\(location) is broken: \(problem); fix it and start again.")
    }

    /// The line of the deepest node along `path` that exists.
    static func line(of path: [String], in root: Node) -> Int? {
        var node = root
        var line = root.mark?.line
        for component in path {
            let next: Node?
            if let sequence = node.sequence, let index = Int(component) {
                next = sequence.indices.contains(index) ? sequence[index] : nil
            } else if let mapping = node.mapping {
                // The key's own line, which is where a reader looks.
                if let key = mapping.keys.first(where: { $0.string == component }) { line = key.mark?.line ?? line }
                next = mapping[component]
            } else {
                next = nil
            }
            guard let next else { break }
            node = next
            if node.sequence != nil || node.scalar != nil, let mark = node.mark { line = mark.line }
        }
        return line
    }

    private static func describe(_ error: DecodingError) -> (path: [String], problem: String) {
        func path(_ keys: [any CodingKey]) -> [String] { keys.map { $0.intValue.map(String.init) ?? $0.stringValue } }
        switch error {
        case .keyNotFound(let key, let context):
            return (path(context.codingPath), "the key '\(key.stringValue)' is missing")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(readable(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "expected \(readable(type)), found nothing")
        case .dataCorrupted(let context):
            return (path(context.codingPath), context.debugDescription)
        @unknown default:
            return ([], "\(error)")
        }
    }

    private static func readable(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Int.Type: "a whole number"
        case is Bool.Type: "true or false"
        default: "a \(type)"
        }
    }

    /// What Yams found, in one line (an error message that spans lines breaks the one-sentence rule and logs).
    private static func describe(_ error: YamlError) -> String {
        String(explain(error).prefix { !$0.isNewline })
    }

    private static func explain(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "\(problem) at line \(mark.line)"
        case .reader(let problem, let offset, _, _):
            // Not the default description: it quotes the offending lines, control characters and all.
            return problem + (offset.map { " at byte \($0)" } ?? "")
        case .duplicatedKeysInMapping(let duplicates, _):
            return "a key appears twice in one mapping (\(duplicates.joined(separator: ", ")))"
        default:
            return String(describing: error)
        }
    }
}
