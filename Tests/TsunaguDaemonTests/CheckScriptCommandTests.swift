import Foundation
import Testing
import TsunaguTesting

/// `tsunagud check-script`: a valid script passes with a warning per office fact still unset; a broken one fails
/// with its file, line and problem.
@Suite("tsunagud check-script")
struct CheckScriptCommandTests {
    /// The shipped script and its model, copied where a test may edit them.
    func copy(in directory: TemporaryDirectory) throws -> String {
        let script = directory.path("script.yaml")
        try FileManager.default.copyItem(atPath: DaemonProcess.scriptPath, toPath: script)
        try FileManager.default.copyItem(
            atPath: URL(fileURLWithPath: DaemonProcess.scriptPath).deletingLastPathComponent().appendingPathComponent("safety-model.tsv").path,
            toPath: directory.path("safety-model.tsv"))
        return script
    }

    @Test func theShippedScriptIsValidAndNamesWhatTheOfficeMustFillIn() async throws {
        let directory = try TemporaryDirectory()
        let script = try copy(in: directory)
        let result = try await runDaemonCommand(["check-script", "--script", script], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("the script is valid"))
        for key in ["phone", "counter", "dropins", "sanitary", "localCentre"] {
            #expect(result.stderr.contains("office.values.\(key) is not set"), "\(key)")
        }

        // Filled in, the warning goes.
        var text = try String(contentsOfFile: script, encoding: .utf8)
        text = text.replacingOccurrences(of: "    phone: \"\"", with: "    phone: \"000-1111-2222（平日9時〜17時）\"")
        try text.write(toFile: script, atomically: true, encoding: .utf8)
        let filled = try await runDaemonCommand(["check-script", "--script", script], environment: ["PATH": "/usr/bin:/bin"])
        #expect(filled.status == 0 && !filled.stderr.contains("office.values.phone"), "\(filled.stderr)")
    }

    @Test func aBrokenScriptFailsWithItsLineAndProblem() async throws {
        let directory = try TemporaryDirectory()
        let script = try copy(in: directory)
        var text = try String(contentsOfFile: script, encoding: .utf8)
        text = text.replacingOccurrences(of: "label: 消して終わる", with: "label: 消して終わる消して終わる消して終わる消して終わる")
        try text.write(toFile: script, atomically: true, encoding: .utf8)
        let result = try await runDaemonCommand(["check-script", "--script", script], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("stop.confirm.choices.0.label") && result.stderr.contains("20 characters"), "\(result.stderr)")
        let line = text.components(separatedBy: "\n").firstIndex { $0.contains("消して終わる消して終わる") }.map { $0 + 1 }
        #expect(line.map { result.stderr.contains("script.yaml:\($0)") } == true, "\(result.stderr)")
    }
}
