import Foundation
import TsunaguCore
import TsunaguMeCab
import TsunaguServer

/// The shipped `config/script.ja.yaml`, loaded once through the same loader `tsunagud` uses.
enum ScriptFixture {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let path = repositoryRoot.appendingPathComponent("config/script.ja.yaml").path
    static let yaml = try! String(contentsOfFile: path, encoding: .utf8)
    static let engine: TriageEngine = try! ScriptLoader.load(path: path)
    /// The shipped script with MeCab and its rules, without the learned model: for tests of the conversation's flow
    /// and of what is stored, which must not depend on how the model reads ordinary sentences.
    static let rulesOnlyEngine: TriageEngine = try! ScriptLoader.load(yaml: yaml, name: path, analyzer: try! MeCabAnalyzer())
}
