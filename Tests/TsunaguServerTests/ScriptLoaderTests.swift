import Foundation
import LineMessaging
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguServer
import TsunaguTesting

@Suite("Conversation script loader")
struct ScriptLoaderTests {
    private func failure(_ yaml: String) -> String {
        do {
            _ = try ScriptLoader.load(yaml: yaml, name: "script.ja.yaml")
            return "loaded"
        } catch {
            return error.message
        }
    }

    @Test func theShippedScriptLoadsAndValidates() throws {
        let engine = try ScriptLoader.load(path: ScriptFixture.path)
        #expect(engine.script.topic.choices.count == 8)
        #expect(engine.script.validate().isEmpty)
        #expect(engine.script == ScriptFixture.engine.script, "the tests' fixture reads the script as tsunagud does")
    }

    @Test func aLabelTooLongIsReportedWithItsLine() {
        let yaml = ScriptFixture.yaml.replacingOccurrences(of: "label: 家族・パートナー", with: "label: 家族やパートナーとの関係についての相談をしたい")
        let line = ScriptFixture.yaml.components(separatedBy: "\n").firstIndex { $0.contains("label: 家族・パートナー") }! + 1
        let message = failure(yaml)
        #expect(message.contains("script.ja.yaml:\(line) (topic.choices.1.label)"), "\(message)")
        #expect(message.contains("20 characters"))
    }

    @Test func aMissingKeyIsNamed() {
        let yaml = ScriptFixture.yaml.replacingOccurrences(of: "groupNotice:", with: "groupNote:")
        #expect(failure(yaml).contains("the key 'groupNotice' is missing"))
    }

    @Test func aBadTimeIsReportedWithItsLine() {
        let yaml = ScriptFixture.yaml.replacingOccurrences(of: "from: \"18:00\"", with: "from: \"18:75\"")
        let line = ScriptFixture.yaml.components(separatedBy: "\n").firstIndex { $0.contains("from: \"18:00\"") }! + 1
        let message = failure(yaml)
        #expect(message.contains("script.ja.yaml:\(line) (hours.slots.1.from)"), "\(message)")
    }

    @Test func brokenYAMLIsReportedWithItsLine() {
        let message = failure("welcome: [unclosed\n")
        #expect(message.contains("not valid YAML"))
        #expect(message.contains("line"))
    }
}

@Suite("Script loader: the rich menu")
struct RichMenuScriptTests {
    @Test func aRichMenuThatBreaksLinesRulesStopsStartUpWithItsLine() throws {
        let yaml = ScriptFixture.yaml.replacingOccurrences(of: "  chatBarText: メニュー", with: "  chatBarText: メニューはこちらからどうぞ、いつでも")
        let line = yaml.components(separatedBy: "\n").firstIndex { $0.hasPrefix("richMenu:") }.map { $0 + 1 }
        #expect(throws: (any Error).self) { try ScriptLoader.load(yaml: yaml, name: "script.yaml") }
        do {
            _ = try ScriptLoader.load(yaml: yaml, name: "script.yaml")
        } catch {
            #expect(error.message.contains("script.yaml:\(line ?? 0)") && error.message.contains("chat bar text"), "\(error.message)")
        }
    }
}

/// Inputs `scripts/fuzz` found, kept so that what was fixed stays fixed (Fixtures/fuzz/).
@Suite("Fuzzing regressions")
struct FuzzRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz")

    static func inputs(_ prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasPrefix(prefix) }.sorted()
    }

    @Test("a webhook body the fuzzer found is refused, or decoded into events whose own bytes are JSON objects", arguments: inputs("webhook-"))
    func webhookBodyKeepsItsInvariant(_ name: String) throws {
        let body = try Data(contentsOf: Self.directory.appendingPathComponent(name))
        let signature = WebhookSignature(channelSecret: "fuzzing-channel-secret")
        let verified = try #require(signature.verify(body, signature: signature.sign(body)))
        guard let request = try? WebhookRequestBody.decode(verified) else { return }
        for event in request.events {
            #expect((try? JSONSerialization.jsonObject(with: event.rawJSON)) is [String: Any], "an event's raw bytes are not a JSON object")
        }
    }

    @Test("a script the fuzzer found is refused in one line", arguments: inputs("script-"))
    func scriptRefusedInOneLine(_ name: String) throws {
        let yaml = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
        do {
            _ = try ScriptLoader.load(yaml: yaml, name: "script.ja.yaml")
        } catch {
            #expect(!error.message.contains("\n"), "\(error.message)")
        }
    }
}
