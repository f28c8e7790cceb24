/// How much danger one message shows, and of what kind: what the engine answers and how the case is queued.
public struct SafetyAssessment: Sendable, Hashable {
    /// The three tiers the service answers differently.
    public enum Tier: Int, Sendable, Hashable, Comparable, CustomStringConvertible {
        /// No sign of danger now.
        case none
        /// A risk without immediacy (ideation, an ongoing or past-week threat): a gentle safety question, a
        /// contact or two open now, raised priority, a flag for the counsellor.
        case concern
        /// Danger now: contacts for the category at once, the front of the queue, an alert.
        case emergency

        public static func < (a: Tier, b: Tier) -> Bool { a.rawValue < b.rawValue }
        public var description: String { ["none", "concern", "emergency"][rawValue] }
    }

    /// What tipped the decision: for the evaluation and the docs, never shown to her and never her words.
    public enum Basis: String, Sendable, Hashable {
        /// Nothing found.
        case nothing
        /// A rule of the script's safety lexicon.
        case rule
        /// The learned model alone.
        case model
        /// A rule the model confirmed, after distance context (past, fiction, study, a question) put it in doubt.
        case ruleConfirmedByModel
        /// Distance context, and the model agreed the message is not about danger now.
        case lowered
    }

    public var tier: Tier
    /// `suicide`, `self_harm`, `violence`, `sexual_violence`, `confinement`, `stalking`, `minor_unsafe` or
    /// `medical`; `nil` for ``Tier/none``, and for a bare cry for help when no model names it.
    public var category: String?
    public var basis: Basis

    public init(tier: Tier, category: String?, basis: Basis) {
        self.tier = tier
        self.category = tier == .none ? nil : category
        self.basis = basis
    }

    public static let none = SafetyAssessment(tier: .none, category: nil, basis: .nothing)
}
