/// The script's `safety:` section: the words the rules look for, as data the office can read and extend without
/// a release. Every entry is a ``SafetyPattern``: words matched on lemmas (`死ぬ たい`), or `~text` matched in the
/// folded message.
public struct SafetyLexicon: Sendable, Hashable, Decodable {
    /// Direct risk expressions by category: found, the message is at least `concern` (or `emergency`).
    public var risk: [String: Tiers]
    /// A person or threat by category (hits, holds, follows, found my address): with ``immediacy`` or
    /// ``exposure`` an emergency, without them a concern.
    public var threats: [String: [String]]
    /// A cry for help with nothing else said (たすけて): a concern unless the model sees no danger at all (助けて！スタンプ
    /// の買い方わからん), its category the model's.
    public var pleas: [String]
    /// Words that make it now: 今, 今日, 今夜, これから, 今から.
    public var immediacy: [String]
    /// Words that put her within reach: 帰れない, 帰してもらえない, 二人きり, ホテル, トイレから, 家の前.
    public var exposure: [String]
    /// Words of a habit rather than an act now (最近, いつも, こと多い): an emergency found with them, and without
    /// immediacy, is a concern.
    public var habitual: [String]
    /// Context that puts risk words at a distance from her now, by kind (`past`, `fiction`, `study`, `question`,
    /// `news`): only lowers a finding when the model agrees.
    public var distance: [String: [String]]
    /// Everyday idioms built on risk words (死ぬほど, 恥ずかしくて死にたい): a finding inside one counts only when the
    /// model also sees danger, so an idiom next to a risk context (her photos spread) stays a risk.
    public var idioms: [String]
    /// Words that deny what comes just before them (`ない`, `じゃない`): 死にたいとかじゃない is not 死にたい.
    public var negations: [String]
    /// The learned model's weights, a file beside the script (see `scripts/train-safety`).
    public var model: String?

    public struct Tiers: Sendable, Hashable, Decodable {
        public var emergency: [String]?
        public var concern: [String]?

        public init(emergency: [String]? = nil, concern: [String]? = nil) {
            self.emergency = emergency
            self.concern = concern
        }
    }

    public init(
        risk: [String: Tiers], threats: [String: [String]] = [:], pleas: [String] = [], immediacy: [String] = [],
        exposure: [String] = [], habitual: [String] = [], distance: [String: [String]] = [:], idioms: [String] = [],
        negations: [String] = ["ない", "ず", "ぬ"], model: String? = nil
    ) {
        self.risk = risk
        self.threats = threats
        self.pleas = pleas
        self.immediacy = immediacy
        self.exposure = exposure
        self.habitual = habitual
        self.distance = distance
        self.idioms = idioms
        self.negations = negations
        self.model = model
    }

    /// The categories, in a fixed order (the model's too).
    public static let categories = [
        "suicide", "self_harm", "violence", "sexual_violence", "confinement", "stalking", "minor_unsafe", "medical",
    ]
}
