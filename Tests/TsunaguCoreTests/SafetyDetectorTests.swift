import Testing
import TsunaguCore

/// An analyser that knows a few sentences by heart, so the rules are tested without MeCab.
struct FakeAnalyzer: MorphologicalAnalyzer {
    /// Prepared text → its words, each "surface/lemma/part of speech" (lemma and part optional).
    let sentences: [String: [String]]

    func morphemes(of text: String) -> [Morpheme] {
        (sentences[text] ?? []).map { word in
            let parts = word.split(separator: "/").map(String.init)
            return Morpheme(surface: parts[0], lemma: parts.count > 1 ? parts[1] : parts[0], partOfSpeech: parts.count > 2 ? parts[2] : "名詞")
        }
    }
}

@Suite("Danger detection: rules and the model's part")
struct SafetyDetectorTests {
    static let analyzer = FakeAnalyzer(sentences: [
        "もう死のう": ["もう/もう/副詞", "死の/死ぬ/動詞", "う/う/助動詞"],
        "死にたいとかじゃないけど": ["死に/死ぬ/動詞", "たい/たい/助動詞", "と/と/助詞", "か/か/助詞", "じゃ/じゃ/助詞", "ない/ない/助動詞", "けど/けど/助詞"],
        "死ぬしかない": ["死ぬ/死ぬ/動詞", "しか/しか/助詞", "ない/ない/助動詞"],
        "ODした": ["OD/OD/名詞", "し/する/動詞", "た/た/助動詞"],
        "ODしたい": ["OD/OD/名詞", "し/する/動詞", "たい/たい/助動詞"],
        "ODとかしてない": ["OD/OD/名詞", "とか/とか/助詞", "し/する/動詞", "て/て/助詞", "ない/ない/助動詞"],
        "彼に殴られた": ["彼/彼/名詞", "に/に/助詞", "殴ら/殴る/動詞", "れ/れる/動詞", "た/た/助動詞"],
        "今夜彼に殴られた": ["今夜/今夜/名詞", "彼/彼/名詞", "に/に/助詞", "殴ら/殴る/動詞", "れ/れる/動詞", "た/た/助動詞"],
        "殴られてはいない": ["殴ら/殴る/動詞", "れ/れる/動詞", "て/て/助詞", "は/は/助詞", "い/いる/動詞", "ない/ない/助動詞"],
        "ドラマでODした": ["ドラマ/ドラマ/名詞", "で/で/助詞", "OD/OD/名詞", "し/する/動詞", "た/た/助動詞"],
        "ドラマで殴られた": ["ドラマ/ドラマ/名詞", "で/で/助詞", "殴ら/殴る/動詞", "れ/れる/動詞", "た/た/助動詞"],
    ])

    static let lexicon = SafetyLexicon(
        risk: [
            "suicide": .init(emergency: ["もう 死ぬ う"], concern: ["死ぬ たい", "死ぬ しか ない", "~しにたい"]),
            "medical": .init(emergency: ["od する"]),
        ],
        threats: ["violence": ["殴る"]], pleas: ["~たすけて"], immediacy: ["今夜"], distance: ["fiction": ["ドラマ"]])

    let detector = SafetyDetector(lexicon: Self.lexicon, analyzer: Self.analyzer, model: nil)

    func tier(_ text: String) -> SafetyAssessment.Tier { detector.assess(text).tier }

    @Test("lemmas find an inflected form: もう死のう is もう 死ぬ う")
    func lemmas() {
        #expect(detector.assess("もう死のう") == SafetyAssessment(tier: .emergency, category: "suicide", basis: .rule))
    }

    @Test("a negation after particles denies what comes before it, but しか…ない does not")
    func negation() {
        #expect(tier("死にたいとかじゃないけど") == .none, "the text pattern ~しにたい is placed at its word and denied too")
        #expect(tier("死ぬしかない") == .concern)
        #expect(tier("ODとかしてない") == .none)
    }

    @Test("an act wished for is a concern, an act done an emergency")
    func tentative() {
        #expect(tier("ODした") == .emergency)
        #expect(tier("ODしたい") == .concern)
    }

    @Test("a threat is a concern, now an emergency; denied, nothing")
    func threats() {
        #expect(detector.assess("彼に殴られた") == SafetyAssessment(tier: .concern, category: "violence", basis: .rule))
        #expect(tier("今夜彼に殴られた") == .emergency)
        #expect(tier("殴られてはいない") == .none)
    }

    @Test("distance context lowers a finding unless the model confirms it")
    func distance() throws {
        #expect(detector.assess("ドラマで殴られた").basis == .lowered)
        let sure = try SafetyModel(text: "@thresholds\t0.3\t0.9\t0.5\n@intercept\t3\t-3\t0\t0\t1\t0\t0\t0\t0\t0\n")
        let confirmed = detector.with(model: sure).assess("ドラマで殴られた")
        #expect(confirmed.tier == .concern && confirmed.basis == .ruleConfirmedByModel)
    }

    @Test("a doubtful act confirmed only as danger is a concern; danger now needs the model's emergency opinion too")
    func confirmedActTier() throws {
        func model(emergency: Double) throws -> SafetyModel {
            try SafetyModel(text: "@thresholds\t0.3\t0.9\t0.5\n@intercept\t3\t\(emergency)\t0\t0\t1\t0\t0\t0\t0\t0\n")
        }
        #expect(detector.with(model: try model(emergency: -3)).assess("ドラマでODした").tier == .concern)
        #expect(detector.with(model: try model(emergency: 3)).assess("ドラマでODした").tier == .emergency)
        #expect(detector.with(model: try model(emergency: -3)).assess("ODした").tier == .emergency, "undoubted, the rule's tier stands")
    }

    @Test("the model alone calls danger now only when it is as sure of danger as confirming a doubtful finding needs")
    func modelAloneEmergency() throws {
        func model(risk: Double) throws -> SafetyModel {
            try SafetyModel(text: "@thresholds\t0.3\t0.9\t0.6\n@intercept\t\(risk)\t3\t0\t0\t0\t0\t0\t0\t2\t0\nc:かれ\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n")
        }
        let long = "かれがいえのまえでまっている"
        // Emergency opinion sigmoid(3) ≈ 0.95 ≥ 0.9 both times; danger 0.40 is a concern, 0.73 (≥ 0.6) danger now.
        #expect(detector.with(model: try model(risk: -0.4)).assess(long).tier == .concern)
        #expect(detector.with(model: try model(risk: 1)).assess(long).tier == .emergency)
    }

    @Test("the model alone raises what no rule names, from its threshold; a short message needs it surer")
    func modelAlone() throws {
        func model(risk: Double) throws -> SafetyModel {
            try SafetyModel(text: "@thresholds\t0.3\t0.9\t0.6\n@intercept\t\(risk)\t-3\t0\t0\t0\t0\t0\t0\t2\t0\nc:かれ\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n")
        }
        // sigmoid(-0.4) ≈ 0.40: above 0.3, below 0.6.
        let long = "かれがいえのまえでまっている"
        #expect(detector.with(model: try model(risk: -0.4)).assess(long) == SafetyAssessment(tier: .concern, category: "minor_unsafe", basis: .model))
        #expect(detector.with(model: try model(risk: -0.4)).assess("かれ").tier == .none)
        #expect(detector.with(model: try model(risk: 1)).assess("かれ").tier == .concern)
        #expect(detector.with(model: try model(risk: -2)).assess(long).tier == .none)
    }

    @Test("a bare cry for help is a concern unless the model sees no danger at all")
    func plea() throws {
        #expect(tier("たすけて") == .concern)
        let calm = try SafetyModel(text: "@thresholds\t0.3\t0.9\t0.6\n@intercept\t-6\t-3\t0\t0\t0\t0\t0\t0\t0\t0\n")
        #expect(detector.with(model: calm).assess("たすけて！スタンプの買い方わからん").tier == .none)
    }

    @Test("the model file: thresholds, intercepts and weights are read; a malformed line is named")
    func modelFile() throws {
        let model = try SafetyModel(
            text: "# comment\n@thresholds\t0.3\t0.9\t0.6\n@intercept\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\nl:死ぬ\t2\t1\t3\t0\t0\t0\t0\t0\t0\t0\n")
        #expect(model.featureCount == 1 && model.riskThreshold == 0.3 && model.confirmThreshold == 0.6)
        let scores = model.scores(["l:死ぬ", "unknown"].map(SafetyFeature.init))
        #expect(abs(scores.risk - 0.880_797) < 1e-5 && abs(scores.emergency - 0.731_058) < 1e-5 && scores.category == "suicide")
        #expect(throws: ModelFileError(line: 3)) {
            try SafetyModel(text: "@thresholds\t0.3\t0.9\t0.6\n@intercept\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\nl:x\t1\t2\n")
        }
    }

    @Test("each of many weighted features is found by its exact name; one written twice keeps its last weights")
    func modelLookups() throws {
        let zeros = Array(repeating: "0", count: 9).joined(separator: "\t")
        func model(_ lines: [String]) throws -> SafetyModel {
            try SafetyModel(text: "@thresholds\t0.3\t0.9\t0.6\n" + lines.map { $0 + "\n" }.joined())
        }
        // More features than the table is first sized for, so it grows while the file is read.
        var lines = ["@intercept\t0\t" + zeros]
        for index in 0..<500 { lines.append("c:f\(index)\t\(Float(index) / 100)\t\(zeros)") }
        lines.append("c:f7\t-1\t\(zeros)")
        let many = try model(lines)
        #expect(many.featureCount == 500)
        // A feature's weight adds to a zero intercept exactly as the same weight as the intercept scores alone.
        func alone(_ weight: Float) throws -> SafetyModel.Scores { try model(["@intercept\t\(weight)\t" + zeros]).scores([]) }
        for index in [0, 1, 10, 100, 250, 499] {
            #expect(many.scores([SafetyFeature("c:f\(index)")]) == (try alone(Float(index) / 100)), "feature \(index)")
        }
        #expect(many.scores([SafetyFeature("c:f7")]) == (try alone(-1)))
        for unknown in ["c:f", "c:f500", "c:f4990", "f1"] {
            #expect(many.scores([SafetyFeature(unknown)]) == (try alone(0)), "\(unknown) is not a feature of the model")
        }
    }
}
