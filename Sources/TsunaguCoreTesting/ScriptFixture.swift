public import Foundation
public import TsunaguCore
import TsunaguMeCab
import TsunaguScript

/// The shipped `config/script.ja.yaml`, read once as `tsunagud` reads it (`ScriptDocument`, MeCab, the model the script
/// names), for the core's engine tests and the server's alike; the server's own loader is tested in its suite.
public enum ScriptFixture {
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    public static let path = repositoryRoot.appendingPathComponent("config/script.ja.yaml").path
    public static let yaml = try! String(contentsOfFile: path, encoding: .utf8)
    /// Monday 2026-11-30 11:00 in Japan: the shipped script's office is open.
    public static let openTime = JapanTime(date: CivilDate(year: 2026, month: 11, day: 30), minuteOfDay: 11 * 60).milliseconds
    /// Sunday 2026-11-29 20:00: closed (the fifth Sunday); next opening Monday 10:00.
    public static let closedTime = JapanTime(date: CivilDate(year: 2026, month: 11, day: 29), minuteOfDay: 20 * 60).milliseconds
    /// One MeCab for every fixture: loading its dictionary takes a moment.
    static let analyzer = try! MeCabAnalyzer()
    public static let engine: TriageEngine = try! ScriptDocument(yaml: yaml, name: path).engine(
        directory: URL(fileURLWithPath: path).deletingLastPathComponent().path, analyzer: analyzer)
    /// The shipped script with MeCab and its rules, without the learned model: for tests of the conversation's flow
    /// and of what is stored, which must not depend on how the model reads ordinary sentences.
    public static let rulesOnlyEngine: TriageEngine = try! ScriptDocument(yaml: yaml, name: path).engine(analyzer: analyzer)

    /// The shipped script with `yaml` in its place (a variant made by replacing text in ``yaml``), MeCab and no model.
    public static func engine(yaml: String) throws -> TriageEngine {
        try ScriptDocument(yaml: yaml, name: "script.yaml").engine(analyzer: analyzer)
    }
}
