import Foundation
import TsunaguCore
import TsunaguServer

/// The shipped `config/script.ja.yaml`, loaded once through the same loader `tsunagud` uses.
enum ScriptFixture {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let path = repositoryRoot.appendingPathComponent("config/script.ja.yaml").path
    static let yaml = try! String(contentsOfFile: path, encoding: .utf8)
    static let engine: TriageEngine = try! ScriptLoader.load(path: path)
}
