/// The learned second opinion: three linear models over the same sparse features (``SafetyFeatures``), trained
/// by `scripts/train-safety` with scikit-learn and exported as a small text file of weights.
///
/// - `risk`: is there danger at all (emergency or concern) rather than none;
/// - `emergency`: among risky messages, is it now rather than a concern;
/// - `category`: which of ``SafetyLexicon/categories``.
///
/// Scoring is a sum of the weights of the features present (all features are 0/1), so it costs one table lookup
/// per feature (``FeatureTable``); the weights lie in one flat array, a row of ``width`` per feature.
public struct SafetyModel: Sendable, Hashable {
    /// Where each feature's row starts in ``table``.
    private var rows: FeatureTable
    /// Rows of weights, one per feature: risk, emergency, then one per category.
    private var table: [Float]
    private var intercepts: [Float]
    /// The probability of risk from which the model alone raises a message to `concern`.
    public var riskThreshold: Float
    /// The probability of `emergency` (given risk) from which the model raises a finding to `emergency`.
    public var emergencyThreshold: Float
    /// The probability of risk under which distance context or an idiom lowers a rule's finding to none.
    public var confirmThreshold: Float

    public struct Scores: Sendable, Hashable {
        public var risk: Float
        public var emergency: Float
        public var category: String
    }

    /// Reads the exported file: a header line `#`, a `@thresholds` line (risk, emergency, confirm), an
    /// `@intercept` line, then one line per feature, tab-separated.
    ///
    /// - Throws: ``ModelFileError`` naming the first malformed line.
    public init(text: String) throws(ModelFileError) {
        let width = 2 + SafetyLexicon.categories.count
        rows = FeatureTable(capacity: text.utf8.count / 64)
        table = []
        intercepts = []
        riskThreshold = 0.5
        emergencyThreshold = 0.5
        confirmThreshold = 0.5
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            let numbers = fields.dropFirst().compactMap { Float($0) }
            guard numbers.count == fields.count - 1 else { throw ModelFileError(line: number + 1) }
            switch fields[0] {
            case "@thresholds":
                guard numbers.count == 3 else { throw ModelFileError(line: number + 1) }
                (riskThreshold, emergencyThreshold, confirmThreshold) = (numbers[0], numbers[1], numbers[2])
            case "@intercept":
                guard numbers.count == width else { throw ModelFileError(line: number + 1) }
                intercepts = numbers
            default:
                guard numbers.count == width else { throw ModelFileError(line: number + 1) }
                rows.set(fields[0].utf8, to: table.count)
                table += numbers
            }
        }
        guard intercepts.count == width else { throw ModelFileError(line: 0) }
    }

    /// The three opinions on a message with `features`.
    public func scores(_ features: some Sequence<SafetyFeature>) -> Scores {
        var sums = intercepts
        let width = sums.count
        table.withUnsafeBufferPointer { table in
            sums.withUnsafeMutableBufferPointer { sums in
                for feature in features {
                    guard let start = rows.value(of: feature.bytes) else { continue }
                    for index in 0..<width { sums[index] += table[start + index] }
                }
            }
        }
        let categories = sums.dropFirst(2)
        let best = categories.indices.max { categories[$0] < categories[$1] }! - 2
        return Scores(risk: Self.sigmoid(sums[0]), emergency: Self.sigmoid(sums[1]), category: SafetyLexicon.categories[best])
    }

    /// How many features carry weights (for the docs).
    public var featureCount: Int { rows.count }

    private static func sigmoid(_ x: Float) -> Float { 1 / (1 + (-x).exp()) }
}

extension Float {
    /// e to this power, without Foundation: the core stays free of it.
    fileprivate func exp() -> Float {
        // exp(x) = 2^(x·log2 e); split into an integer power of two and a polynomial for the fraction.
        let y = Swift.max(-80, Swift.min(80, self)) * 1.442_695_04
        let whole = y.rounded(.down)
        let fraction = y - whole
        // 2^f on [0, 1): a 5th-order polynomial, relative error below 2e-6.
        let polynomial =
            1 + fraction * (0.693_147_2 + fraction * (0.240_226_5 + fraction * (0.055_504_1 + fraction * (0.009_618_1 + fraction * 0.001_333_6))))
        return Float(sign: .plus, exponent: Int(whole), significand: polynomial)
    }
}

/// The model file could not be read.
public struct ModelFileError: Error, Sendable, Equatable {
    /// The line at fault (1-based); 0 when the `@intercept` line is missing.
    public var line: Int

    public init(line: Int) { self.line = line }
}
