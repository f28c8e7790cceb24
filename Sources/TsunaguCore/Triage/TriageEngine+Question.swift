extension TriageEngine {
    /// The questions she answers with buttons. Each names the prefix of its buttons' postback data (`topic:work`),
    /// so a tap is read back as the answer to one of these rather than by comparing prefixes as text; the other
    /// prefixes (`info`, `request`, `announce`, `start`) come from the script's menus and are not questions.
    enum Question: String, Sendable, CaseIterable {
        case consent, topic, urgency, survey
        /// Whether she wants everything erased and the talk ended (the script's `stop.confirm`): asked in any state.
        case erase

        /// The question waiting for her answer in `state`, if any (the erasure question is kept apart, in
        /// ``Conversation/erasureAsked``, as it can wait in any state).
        init?(awaitedIn state: TriageState) {
            switch state {
            case .consent: self = .consent
            case .topic: self = .topic
            case .urgency: self = .urgency
            case .survey: self = .survey
            case .new, .queued, .active, .closed: return nil
            }
        }

        /// The state that asking this question puts her in; `nil` for the two asked without changing it (the survey
        /// follows the close, which set her state already; the erasure question leaves her where she was).
        var state: TriageState? {
            switch self {
            case .consent: .consent
            case .topic: .topic
            case .urgency: .urgency
            case .survey, .erase: nil
            }
        }

        /// The postback data of the button for the choice `id`.
        func data(for id: String) -> String { "\(rawValue):\(id)" }
    }

    /// The script's words and choices for `question`.
    func words(of question: Question) -> ConversationScript.Question {
        Self.words(of: question, in: script)
    }

    static func words(of question: Question, in script: ConversationScript) -> ConversationScript.Question {
        switch question {
        case .consent: script.consent
        case .topic: script.topic
        case .urgency: script.urgency
        case .survey: script.survey
        case .erase: script.stop.confirm
        }
    }
}
