public import TsunaguCore

/// What statistics learn besides LINE's cases: the phone and in-person consultations counsellors log, checked against
/// the script's topics, outcomes and partners, and what the statistics' ids mean in the script's own words.
///
/// Kept apart from ``CaseDesk``, which acts on cases: nothing here touches a case, a conversation or a key.
public struct ConsultationLog: Sendable {
    private let statistics: any StatisticsStore
    /// The office's lists (topics, outcomes, partners, places, facilities): what this log and the programme's records
    /// (``ProgrammeController``) are checked against.
    let script: ConversationScript
    private let clock: WallClock

    /// What the statistics' ids mean, in the script's own words: made once, as the script does not change while
    /// the server runs (every statistics report and console page is given them).
    public let labels: [String: [String: String]]

    public init(statistics: any StatisticsStore, script: ConversationScript, clock: WallClock) {
        self.statistics = statistics
        self.script = script
        self.clock = clock
        self.labels = Self.labels(of: script)
    }

    private static func labels(of script: ConversationScript) -> [String: [String: String]] {
        func labels(_ question: ConversationScript.Question) -> [String: String] {
            Dictionary(question.choices.map { ($0.id, $0.label) }) { first, _ in first }
        }
        return [
            "topic": labels(script.topic), "urgency": labels(script.urgency), "satisfaction": labels(script.survey),
            "outcome": Dictionary(script.outcomes.map { ($0.id, $0.label) }) { first, _ in first },
            "referral": Dictionary(script.partners.map { ($0.id, $0.name) }) { first, _ in first },
            "channel": ["line": "LINE", "phone": "電話", "visit": "来所", "onsite": "居場所での相談"],
            "place": Dictionary((script.programme?.places ?? []).map { ($0.id, $0.name) }) { first, _ in first },
            "facility": Dictionary((script.programme?.facilities ?? []).map { ($0.id, $0.name) }) { first, _ in first },
            "purpose": ["interview": "就職の面接", "work": "仕事", "own-ceremony": "ご自身の式", "child-ceremony": "お子さんの式"],
        ]
    }

    /// Logs a phone or in-person consultation for statistics: its day, topic, outcome and referral, nothing
    /// about the person.
    public func record(
        channel: CaseFacts.Channel, on day: CivilDate?, topic: String, outcome: String, referral: String?, by member: StaffMember
    ) async throws {
        guard channel != .line else { throw CaseRefusal.unknownChannel }
        let topics = script.topic.choices.map(\.id)
        guard topics.contains(topic) else { throw CaseRefusal.unknownTopic(allowed: topics) }
        try script.checkEnding(outcome: outcome, referral: referral)
        // Noon of the day given (Japan time), or now: which hour it was is not asked.
        let heldAt = day.map { JapanTime(date: $0, minuteOfDay: 12 * 60).milliseconds } ?? clock.now()
        try await statistics.record(
            CaseFacts(person: nil, channel: channel, openedAt: heldAt, topic: topic, outcome: outcome, referral: referral), by: member.name)
    }
}
