/// Recognises danger in her own words: rules over lemmas and folded text (the script's ``SafetyLexicon``), with
/// a learned model (``SafetyModel``) as a second opinion, into a ``SafetyAssessment``.
///
/// How the two combine (measured in `docs/safety.md`):
/// 1. A rule's finding stands when nothing puts it in doubt: no negation right after it (死にたいとかじゃない), no
///    distance context (past, fiction, study, a question about the service, the news) and not inside an idiom
///    (死ぬほど眠い). In doubt, it stands only if the model's risk is at least its confirm threshold: an idiom next
///    to her photos being spread stays a risk; a drama scene does not.
/// 2. A threat (hits, holds, follows, found my address) is a concern; with immediacy (今, 今夜, これから) or
///    exposure (帰してもらえない, 二人きり, トイレから) an emergency. A concern-tier risk with immediacy is an emergency.
/// 3. Where no rule finds anything, the model alone raises the message to a concern from its risk threshold.
/// 4. The model's emergency opinion raises a concern to an emergency; its category names what the rules left open.
///
/// It errs towards answering: a false alarm costs her one kind question, a miss may cost a life.
public struct SafetyDetector: Sendable {
    private let analyzer: (any MorphologicalAnalyzer)?
    private var model: SafetyModel?
    /// Every pattern below, by id: her message is matched against all of them in one pass.
    private let rules: PatternIndex
    private let risk: [(category: String, tier: SafetyAssessment.Tier, pattern: Int)]
    private let threats: [(category: String, pattern: Int)]
    private let immediacy: [Int]
    private let pleas: [Int]
    private let exposure: [Int]
    private let habitual: [Int]
    private let distance: [(kind: String, pattern: Int)]
    private let idioms: [Int]
    private let negations: [[[UInt8]]]

    /// - Parameters:
    ///   - analyzer: MeCab in the server; `nil` leaves only the `~text` patterns and the character features.
    ///   - model: the learned weights; `nil` makes the rules decide alone.
    public init(lexicon: SafetyLexicon, analyzer: (any MorphologicalAnalyzer)?, model: SafetyModel?) {
        self.analyzer = analyzer
        self.model = model
        var all: [SafetyPattern] = []
        // The ids (places in `all`) of the entries that fold to something.
        func ids(_ entries: [String]) -> [Int] {
            entries.compactMap(SafetyPattern.init).map { pattern in
                all.append(pattern)
                return all.count - 1
            }
        }
        risk = lexicon.risk.keys.sorted().flatMap { category in
            let tiers = lexicon.risk[category]!
            return ids(tiers.emergency ?? []).map { (category, SafetyAssessment.Tier.emergency, $0) }
                + ids(tiers.concern ?? []).map { (category, SafetyAssessment.Tier.concern, $0) }
        }
        threats = lexicon.threats.keys.sorted().flatMap { category in ids(lexicon.threats[category]!).map { (category, $0) } }
        immediacy = ids(lexicon.immediacy)
        pleas = ids(lexicon.pleas)
        exposure = ids(lexicon.exposure)
        habitual = ids(lexicon.habitual)
        distance = lexicon.distance.keys.sorted().flatMap { kind in ids(lexicon.distance[kind]!).map { (kind, $0) } }
        idioms = ids(lexicon.idioms)
        rules = PatternIndex(all)
        negations = lexicon.negations.map { $0.split(separator: " ").map { Array(TextNormalizer.normalize(String($0)).utf8) } }
    }

    /// The same rules and analyser with another model (cross-validation scores each fold with its own).
    public func with(model: SafetyModel?) -> SafetyDetector {
        var copy = self
        copy.model = model
        return copy
    }

    /// What `text` shows.
    public func assess(_ text: String) -> SafetyAssessment {
        assess(analyse(text))
    }

    /// Her message folded and split once, for this detector and for every other rule that reads her words (the
    /// triage engine's stop, consent and menu words): folding and MeCab were a third of the engine's time, paid
    /// once per reader.
    func analyse(_ text: String) -> AnalysedMessage {
        AnalysedMessage(text, analyzer: analyzer)
    }

    /// What a message already analysed by ``analyse(_:)`` shows.
    func assess(_ message: AnalysedMessage) -> SafetyAssessment {
        let findings = findings(in: message)
        let scores = model?.scores(SafetyFeatures.make(message, findings: findings))
        return decide(findings, scores)
    }

    /// The model's opinion of `text` alone, for trying wording (`tsunagu-safety assess`).
    public func scores(of text: String) -> SafetyModel.Scores? {
        guard let model else { return nil }
        let message = AnalysedMessage(text, analyzer: analyzer)
        return model.scores(SafetyFeatures.make(message, findings: findings(in: message)))
    }

    /// The features the model sees for `text`, for training (`tsunagu-safety features`).
    public func features(of text: String) -> Set<String> {
        let message = AnalysedMessage(text, analyzer: analyzer)
        return Set(SafetyFeatures.make(message, findings: findings(in: message)).map(\.description))
    }

    func findings(in message: AnalysedMessage) -> RuleFindings {
        let found = rules.matches(in: message)
        var findings = RuleFindings()
        let inIdiom = idioms.contains { found[$0] != nil }
        for (category, tier, pattern) in risk {
            guard let match = found[pattern] else { continue }
            let negated = match.end.map { negatedAfter($0, in: message) } ?? false
            // An act wished for or weighed (ODしたい, 死のうかな) is a concern, not an emergency.
            let tentative = match.end.map { Self.tentativeAfter($0, in: message) } ?? false
            findings.hits.append(
                RuleFindings.Hit(category: category, tier: tentative ? .concern : tier, negated: negated, inIdiom: inIdiom))
        }
        for (category, pattern) in threats {
            guard let match = found[pattern] else { continue }
            // Denied (暴力とかはない) or wished for (監禁されたいレベル): not a threat to her.
            if let end = match.end, negatedAfter(end, in: message) || Self.tentativeAfter(end, in: message) { continue }
            findings.threats.insert(category)
        }
        findings.threatsInIdiom = inIdiom
        if message.laughs { findings.distance.insert("joke") }
        findings.immediate = immediacy.contains { found[$0] != nil }
        findings.pleads = pleas.contains { pattern in
            guard let match = found[pattern] else { return false }
            return !(match.end.map { negatedAfter($0, in: message) } ?? false)
        }
        findings.exposed = exposure.contains { found[$0] != nil }
        findings.habitual = habitual.contains { found[$0] != nil }
        findings.distance.formUnion(distance.filter { found[$0.pattern] != nil }.map(\.kind))
        findings.foldedLength = message.folded.count
        return findings
    }

    /// How sure the model alone must be to overrule her denial of every risk word she wrote.
    static let overruleDenial: Float = 0.9
    /// Fewer folded characters than this is too little for the model alone at its usual threshold.
    static let shortMessage = 8
    private static let tentative: Set<String> = ["たい", "かな", "かも", "かもしれる"]
    private static let light: Set<String> = [
        "わけ", "こと", "の", "ん", "する", "いる", "てる", "ある", "おる", "いく", "くる", "なる", "思う", "考える", "れる", "られる", "せる", "させる",
    ]

    private static func tentativeAfter(_ end: Int, in message: AnalysedMessage) -> Bool {
        message.words[(end + 1)...].prefix(2).contains { tentative.contains($0.lemma) }
    }

    /// Whether a negation follows the morpheme at `end`, with at most particles and auxiliaries between
    /// (死にたく|ない, 死にたい|とか|じゃ|ない).
    private func negatedAfter(_ end: Int, in message: AnalysedMessage) -> Bool {
        var index = end + 1
        var skipped = 0
        while index < message.words.count && skipped <= 5 {
            for negation in negations where index + negation.count <= message.words.count {
                if zip(negation, message.words[index..<(index + negation.count)]).allSatisfy({ $1.matches($0) }) { return true }
            }
            let word = message.words[index]
            // Particles, auxiliaries and light verbs may stand between (脅されたりはしてない, 考えてない); 死ぬしかない
            // is not a negation of 死ぬ.
            guard word.partOfSpeech == "助詞" || word.partOfSpeech == "助動詞" || Self.light.contains(word.lemma), word.lemma != "しか"
            else { return false }
            index += 1
            skipped += 1
        }
        return false
    }

    func decide(_ findings: RuleFindings, _ scores: SafetyModel.Scores?) -> SafetyAssessment {
        let inDoubt = !findings.distance.isEmpty
        let confirmed = scores.map { $0.risk >= (model?.confirmThreshold ?? 0.5) } ?? false
        var lowered = false
        // 1 and 2: what the rules found, each unless put in doubt and not confirmed by the model.
        var candidates: [SafetyAssessment] = []
        for hit in findings.hits {
            guard !hit.negated else {
                lowered = true  // She said it is not so (死にたいとかじゃない): the model alone must be sure to overrule her.
                continue
            }
            let doubtful = inDoubt || hit.inIdiom
            if doubtful && !confirmed {
                lowered = true
                continue
            }
            var tier = hit.tier
            if tier == .concern && findings.immediate && !inDoubt { tier = .emergency }
            if tier == .emergency && findings.habitual && !findings.immediate { tier = .concern }
            // Put in doubt and confirmed only as danger, it is danger now only if the model also reads it so (当時は…死にたかった).
            if tier == .emergency && doubtful && (scores?.emergency ?? 0) < (model?.emergencyThreshold ?? 0.5) { tier = .concern }
            candidates.append(SafetyAssessment(tier: tier, category: hit.category, basis: doubtful ? .ruleConfirmedByModel : .rule))
        }
        // A threat is a situation, less certain than words of risk: the model may also veto one it sees no danger in.
        let vetoed = scores.map { $0.risk < (model?.confirmThreshold ?? 0.5) / 3 } ?? false
        for threat in findings.threats.sorted() {
            let doubtful = inDoubt || findings.threatsInIdiom
            if (doubtful && !confirmed) || vetoed {
                lowered = true
                continue
            }
            let tier: SafetyAssessment.Tier = findings.immediate || findings.exposed ? .emergency : .concern
            candidates.append(SafetyAssessment(tier: tier, category: threat, basis: doubtful ? .ruleConfirmedByModel : .rule))
        }
        if findings.pleads && !vetoed && !inDoubt {
            candidates.append(SafetyAssessment(tier: findings.immediate ? .emergency : .concern, category: scores?.category, basis: .rule))
        }
        let top = candidates.map(\.tier).max() ?? .none
        var assessment = candidates.first { $0.tier == top } ?? SafetyAssessment(tier: .none, category: nil, basis: lowered ? .lowered : .nothing)
        guard let scores, let model else { return assessment }
        // 3: the model alone; where the rules saw a denial or distance, or she wrote only a few characters
        // (わからない), only as sure as it must be to confirm a doubtful finding.
        let demanding = lowered || findings.foldedLength < Self.shortMessage
        var threshold = demanding ? max(model.riskThreshold, model.confirmThreshold) : model.riskThreshold
        // Every risk word she wrote, she denied (死にたいとかじゃないけど): her words outweigh all but a near-certain model.
        if !findings.hits.isEmpty && findings.hits.allSatisfy(\.negated) { threshold = max(threshold, Self.overruleDenial) }
        if assessment.tier == .none && scores.risk >= threshold {
            assessment = SafetyAssessment(tier: .concern, category: scores.category, basis: .model)
        }
        // 4: its emergency opinion. Alone, without a rule's finding, it must first be as sure of danger as it must be
        // to confirm a doubtful finding: an unsure "danger" is not "danger now" (フラれた。もう恋愛しない).
        let dangerThreshold = assessment.basis == .model ? max(model.riskThreshold, model.confirmThreshold) : model.riskThreshold
        if assessment.tier == .concern && scores.risk >= dangerThreshold && scores.emergency >= model.emergencyThreshold {
            assessment.tier = .emergency
        }
        return assessment
    }
}

/// What the rules found in one message, before the model's opinion.
struct RuleFindings {
    struct Hit {
        var category: String
        var tier: SafetyAssessment.Tier
        var negated: Bool
        var inIdiom: Bool
    }

    var hits: [Hit] = []
    var threats: Set<String> = []
    /// An idiom was found too (殺されるかと思った): the threats are in doubt.
    var threatsInIdiom = false
    var immediate = false
    var pleads = false
    var exposed = false
    var habitual = false
    var distance: Set<String> = []
    /// Characters in the folded message.
    var foldedLength = 0
}
