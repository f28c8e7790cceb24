import Foundation
import LineMessaging
public import TsunaguCore
import TsunaguMeCab
import TsunaguScript

/// Reads `config/script.ja.yaml` into a ``TriageEngine``, or explains in one sentence what is wrong and where.
///
/// The YAML itself is read by `TsunaguScript`'s `ScriptDocument`, which reports a problem with the file and the
/// line of the YAML node it concerns, so an operator who mistyped one label finds it at once; this adds MeCab, the
/// rich menu's LINE rules, and the start-up error `tsunagud` prints.
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
        do throws(ScriptFileError) {
            let document = try ScriptDocument(yaml: yaml, name: name)
            // LINE's rules for the rich menu, from the one place the client and the sandbox also check them.
            if let problem = RichMenuInstaller.menu(from: document.script).validate() {
                throw document.broken(at: ["richMenu"], String(problem.dropLast(problem.hasSuffix(".") ? 1 : 0)))
            }
            return try document.engine(directory: directory, analyzer: analyzer, retentionDays: retentionDays)
        } catch {
            throw StartupError(error.message)
        }
    }
}
