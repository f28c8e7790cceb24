import ArgumentParser
import Foundation
import TsunaguCore
import TsunaguMeCab
import TsunaguServer

/// `tsunagu-safety`: the danger detector from the command line, for training and measuring it (`scripts/train-safety`,
/// `scripts/evaluate-safety`, `scripts/bench`). Not for operators: it reads labelled sets, never her messages.
@main
struct SafetyTool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsunagu-safety",
        abstract: "Measure and train danger detection on labelled sets (JSON lines with text, tier and category).",
        subcommands: [Features.self, Evaluate.self, Bench.self, Assess.self])

    struct ScriptOptions: ParsableArguments {
        @Option(help: "The conversation script.")
        var script = "config/script.ja.yaml"

        /// The detector as `tsunagud` builds it (MeCab and the script's model), or without the model.
        func detector(withModel: Bool) throws -> SafetyDetector {
            let analyzer = try MeCabAnalyzer()
            if withModel {
                let engine = try ScriptLoader.load(path: script)
                return SafetyDetector(lexicon: engine.script.safety, analyzer: analyzer, model: try Self.model(engine.script, script))
            }
            let yaml = try String(contentsOfFile: script, encoding: .utf8)
            let engine = try ScriptLoader.load(yaml: yaml, name: script)
            return SafetyDetector(lexicon: engine.script.safety, analyzer: analyzer, model: nil)
        }

        static func model(_ script: ConversationScript, _ path: String) throws -> SafetyModel? {
            guard let file = script.safety.model else { return nil }
            let url = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(file)
            return try SafetyModel(text: String(contentsOf: url, encoding: .utf8))
        }
    }

    struct Labelled: Codable {
        var id: String?
        var text: String
        var tier: String
        var category: String
        var kind: String?
    }

    static func read(_ paths: [String]) throws -> [Labelled] {
        try paths.flatMap { path in
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
                try JSONDecoder().decode(Labelled.self, from: Data($0.utf8))
            }
        }
    }

    struct Features: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print each message's model features (rules without the model), as JSON lines.")
        @OptionGroup var options: ScriptOptions
        @Argument(help: "Labelled sets.") var files: [String]

        func run() throws {
            let detector = try options.detector(withModel: false)
            struct Line: Encodable {
                var tier: String
                var category: String
                var features: [String]
            }
            let encoder = JSONEncoder()
            for sample in try SafetyTool.read(files) {
                let line = Line(tier: sample.tier, category: sample.category, features: detector.features(of: sample.text).sorted())
                print(String(decoding: try encoder.encode(line), as: UTF8.self))
            }
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Precision and recall per tier and category, and the misses.")
        @OptionGroup var options: ScriptOptions
        @Flag(help: "Rules alone, without the learned model.") var rulesOnly = false
        @Flag(help: "List every miss and false alarm with its text.") var misses = false
        @Option(help: "A folder of model-K.tsv and fold-K.jsonl (K = 0…4): score each fold with its own model (cross-validation).")
        var crossValidation: String?
        @Argument(help: "Labelled sets.") var files: [String] = []

        func run() throws {
            var results: [(Labelled, SafetyAssessment)] = []
            if let folder = crossValidation {
                let base = try options.detector(withModel: false)
                for fold in 0..<5 {
                    let model = try SafetyModel(text: String(contentsOfFile: "\(folder)/model-\(fold).tsv", encoding: .utf8))
                    let detector = base.with(model: model)
                    results += try SafetyTool.read(["\(folder)/fold-\(fold).jsonl"]).map { ($0, detector.assess($0.text)) }
                }
            } else {
                let detector = try options.detector(withModel: !rulesOnly)
                results = try SafetyTool.read(files).map { ($0, detector.assess($0.text)) }
            }
            print(SafetyReport(results.map { (tier: $0.0.tier, category: $0.0.category, kind: $0.0.kind ?? "", found: $0.1) }).text)
            guard misses else { return }
            for (sample, found) in results {
                let truth = SafetyAssessment.Tier(sample.tier)
                guard truth != found.tier else { continue }
                let label = truth == .none ? "false \(found.tier)" : (found.tier == .none ? "missed" : "\(found.tier) for \(truth)")
                print("\(label)\t\(sample.category)/\(sample.kind ?? "")\t\(found.category ?? "-")/\(found.basis.rawValue)\t\(sample.text)")
            }
        }
    }

    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Median time to assess one message, over a labelled set.")
        @OptionGroup var options: ScriptOptions
        @Option(help: "Passes over the set.") var rounds = 5
        @Argument(help: "A labelled set.") var files: [String]

        func run() throws {
            let detector = try options.detector(withModel: true)
            let texts = try SafetyTool.read(files).map(\.text)
            for text in texts { _ = detector.assess(text) }  // Warm up: taggers, caches.
            var times: [Duration] = []
            let clock = ContinuousClock()
            for _ in 0..<rounds {
                for text in texts { times.append(clock.measure { _ = detector.assess(text) }) }
            }
            times.sort()
            func micro(_ duration: Duration) -> Double { Double(duration.components.attoseconds) / 1e12 + Double(duration.components.seconds) * 1e6 }
            print(
                "messages \(texts.count) × \(rounds): median \(String(format: "%.1f", micro(times[times.count / 2]))) µs, p99 \(String(format: "%.1f", micro(times[times.count * 99 / 100]))) µs"
            )
        }
    }

    struct Assess: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assess one message given as an argument (for trying wording).")
        @OptionGroup var options: ScriptOptions
        @Argument var text: String

        func run() throws {
            let detector = try options.detector(withModel: true)
            let found = detector.assess(text)
            let scores = detector.scores(of: text)
            print("\(found.tier)\t\(found.category ?? "-")\t\(found.basis.rawValue)\trisk \(scores?.risk ?? 0) emergency \(scores?.emergency ?? 0)")
        }
    }
}

extension SafetyAssessment.Tier {
    init(_ label: String) {
        self = label == "emergency" ? .emergency : label == "concern" ? .concern : .none
    }
}
