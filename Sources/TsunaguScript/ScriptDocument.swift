import Foundation
public import TsunaguCore
import Yams

/// The conversation script read from its YAML text and validated, with the YAML tree kept so that any later problem
/// can be reported at the line it concerns.
///
/// A target of its own, beside the core rather than in the server, so the core's tests load the shipped script the
/// way `tsunagud` does without building the server; the server's ``ScriptLoader`` adds what needs it (MeCab, the
/// rich menu's LINE rules, its start-up errors).
public struct ScriptDocument {
    public let script: ConversationScript
    /// How the file is named in problems.
    public let name: String
    private let node: Node

    /// Parses and decodes `yaml` and runs the script's own validation.
    /// - Parameter name: how the file is named in problems.
    /// - Throws: ``ScriptFileError`` naming the file, the line and the key path of the first problem.
    public init(yaml: String, name: String) throws(ScriptFileError) {
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw ScriptFileError("The conversation script \(name) is empty.")
            }
            node = composed
        } catch let problem as ScriptFileError {
            throw problem
        } catch let error as YamlError {
            throw ScriptFileError("The conversation script \(name) is not valid YAML: \(Self.describe(error)).")
        } catch {
            throw ScriptFileError("The conversation script \(name) is not valid YAML.")
        }
        self.node = node
        self.name = name
        do {
            script = try YAMLDecoder().decode(ConversationScript.self, from: node)
        } catch let error as DecodingError {
            let (path, problem) = Self.describe(error)
            throw Self.broken(name, node: node, path: path, problem: problem)
        } catch {
            throw ScriptFileError("The conversation script \(name) cannot be read: \(error).")
        }
        if let problem = script.validate().first {
            throw Self.broken(name, node: node, path: problem.path, problem: problem.message)
        }
    }

    /// The problem `problem` at the key `path`, located at its line: for checks made outside this target.
    public func broken(at path: [String], _ problem: String) -> ScriptFileError {
        Self.broken(name, node: node, path: path, problem: problem)
    }

    /// The engine for this script, with the safety model the script names read from `directory` (`nil` leaves the
    /// model out) and the morphological analyser given (`nil` leaves only the text patterns).
    /// - Parameter retentionDays: the retention setting in force, which the welcome tells her.
    public func engine(
        directory: String? = nil, analyzer: (any MorphologicalAnalyzer)? = nil, retentionDays: Int = 90
    ) throws(ScriptFileError) -> TriageEngine {
        var model: SafetyModel?
        if let directory, let file = script.safety.model {
            let modelPath = URL(fileURLWithPath: directory).appendingPathComponent(file).path
            guard let text = try? String(contentsOfFile: modelPath, encoding: .utf8) else {
                throw broken(at: ["safety", "model"], "names \(modelPath), which cannot be read")
            }
            do {
                model = try SafetyModel(text: text)
            } catch {
                throw broken(at: ["safety", "model"], "names \(modelPath), whose line \(error.line) is malformed")
            }
        }
        do {
            return try TriageEngine(
                script: script, safety: SafetyDetector(lexicon: script.safety, analyzer: analyzer, model: model), retentionDays: retentionDays)
        } catch {
            throw broken(at: error.path, error.message)
        }
    }

    private static func broken(_ name: String, node: Node, path: [String], problem: String) -> ScriptFileError {
        let line = self.line(of: path, in: node).map { ":\($0)" } ?? ""
        let location = path.isEmpty ? "" : " (\(path.joined(separator: ".")))"
        return ScriptFileError("The conversation script \(name)\(line)\(location) is broken: \(problem); fix it and start again.")
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
