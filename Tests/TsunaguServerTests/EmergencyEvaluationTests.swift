import Foundation
import Testing
import TsunaguCore
import TsunaguServer

/// The shipped phrase list against a labelled set of Japanese messages written for it
/// (`Fixtures/emergency-evaluation.tsv`): recall must stay at or above 0.98 and precision at or above 0.90.
@Suite("Emergency detection evaluation")
struct EmergencyEvaluationTests {
    struct Sample {
        var emergency: Bool
        var text: String
    }

    static let samples: [Sample] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/emergency-evaluation.tsv")
        let contents = try! String(contentsOf: url, encoding: .utf8)
        return contents.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t", maxSplits: 1)
            return Sample(emergency: fields[0] == "1", text: String(fields[1]))
        }
    }()

    @Test func theSetIsLargeAndBalancedEnough() {
        #expect(Self.samples.count >= 300)
        #expect(Self.samples.count(where: \.emergency) >= 150)
        #expect(Self.samples.count(where: { !$0.emergency }) >= 150)
    }

    @Test func recallAndPrecisionMeetTheBar() {
        let detector = ScriptFixture.engine.script.emergencyDetector()
        var (truePositives, falsePositives, falseNegatives) = (0, 0, 0)
        var misses: [String] = []
        for sample in Self.samples {
            let detected = detector.category(of: sample.text) != nil
            switch (sample.emergency, detected) {
            case (true, true): truePositives += 1
            case (false, true):
                falsePositives += 1
                misses.append("false alarm (\(detector.category(of: sample.text)!)): \(sample.text)")
            case (true, false):
                falseNegatives += 1
                misses.append("missed: \(sample.text)")
            case (false, false): break
            }
        }
        let recall = Double(truePositives) / Double(truePositives + falseNegatives)
        let precision = Double(truePositives) / Double(truePositives + falsePositives)
        print("Emergency detection: recall \(recall), precision \(precision) over \(Self.samples.count) messages")
        for miss in misses { print("  \(miss)") }
        #expect(recall >= 0.98, "recall \(recall)")
        #expect(precision >= 0.90, "precision \(precision)")
    }

    @Test func idiomsAreCutOutButNotWhatFollowsThem() {
        let detector = ScriptFixture.engine.script.emergencyDetector()
        #expect(detector.category(of: "死ぬほど眠い") == nil)
        #expect(detector.category(of: "死ぬほど眠いけど、もう死にたい") == "suicide")
        #expect(detector.category(of: "ＤＶＤ") == nil)
        #expect(detector.category(of: "ＤＶ") == "violence")
    }
}
