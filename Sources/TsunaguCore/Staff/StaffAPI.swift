/// The bodies of the staff API, both ways: what `tsunagud` answers and what the `tsunagu` CLI reads, one
/// definition for both (every route is in `docs/staff-api.md`).
public enum StaffAPI {
    /// `GET /me`.
    public struct Me: Sendable, Hashable, Codable {
        public var name: String
        public var role: String
        public init(name: String, role: String) { (self.name, self.role) = (name, role) }
    }

    /// `GET /queue`.
    public struct Queue: Sendable, Hashable, Codable {
        public var cases: [QueueItem]
        /// Waiting cases by priority, all of them (``cases`` is cut at the limit asked for).
        public var waiting: [String: Int]
        public init(cases: [QueueItem], waiting: [String: Int]) { (self.cases, self.waiting) = (cases, waiting) }
    }

    /// `GET /mine`.
    public struct Mine: Sendable, Hashable, Codable {
        public var cases: [CaseSummary]
        /// The most cases one counsellor may hold.
        public var limit: Int
        public init(cases: [CaseSummary], limit: Int) { (self.cases, self.limit) = (cases, limit) }
    }

    /// An outcome or a referral partner, as `close` takes it.
    public struct Choice: Sendable, Hashable, Codable {
        public var id: String
        public var label: String
        public init(id: String, label: String) { (self.id, self.label) = (id, label) }
    }

    /// `GET /choices`.
    public struct Choices: Sendable, Hashable, Codable {
        public var outcomes: [Choice]
        public var partners: [Choice]
        public init(outcomes: [Choice], partners: [Choice]) { (self.outcomes, self.partners) = (outcomes, partners) }
    }

    /// A reply template, filled in.
    public struct CannedReply: Sendable, Hashable, Codable {
        public var id: String
        public var text: String
        public init(id: String, text: String) { (self.id, self.text) = (id, text) }
    }

    /// `GET /canned`.
    public struct Templates: Sendable, Hashable, Codable {
        public var templates: [CannedReply]
        public init(templates: [CannedReply]) { self.templates = templates }
    }

    /// `GET /events`.
    public struct Events: Sendable, Hashable, Codable {
        public var events: [StaffEvent]
        /// Pass it back as `after` to get what comes next.
        public var cursor: Int64
        public init(events: [StaffEvent], cursor: Int64) { (self.events, self.cursor) = (events, cursor) }
    }

    /// What release, transfer, reply and notes answer.
    public struct Done: Sendable, Hashable, Codable {
        public var handle: String
        public var status: String
        public init(handle: String, status: String) { (self.handle, self.status) = (handle, status) }
    }

    /// `POST /cases/{handle}/close`: with the priority, so the CLI can suggest a break after an urgent case.
    public struct Closed: Sendable, Hashable, Codable {
        public var handle: String
        public var status: String
        public var priority: Priority
        public var outcome: String
        public var referral: String?

        public init(handle: String, status: String, priority: Priority, outcome: String, referral: String?) {
            (self.handle, self.status, self.priority, self.outcome, self.referral) = (handle, status, priority, outcome, referral)
        }
    }

    /// `GET /handover`: the caller's open cases with their notes, and who waits urgently.
    public struct Handover: Sendable, Hashable, Codable {
        public struct HeldCase: Sendable, Hashable, Codable {
            public var summary: CaseSummary
            public var notes: [TranscriptLine]
            public init(summary: CaseSummary, notes: [TranscriptLine]) { (self.summary, self.notes) = (summary, notes) }
        }

        public var cases: [HeldCase]
        public var waiting: [String: Int]
        /// Emergency and urgent cases waiting now.
        public var urgent: [QueueItem]

        public init(cases: [HeldCase], waiting: [String: Int], urgent: [QueueItem]) {
            (self.cases, self.waiting, self.urgent) = (cases, waiting, urgent)
        }
    }

    /// `POST /queue/claim`: a handle, or none for the next case.
    public struct ClaimRequest: Sendable, Hashable, Codable {
        public var handle: String?
        public init(handle: String? = nil) { self.handle = handle }
    }

    /// `POST /cases/{handle}/transfer`: a colleague, or none for the queue.
    public struct TransferRequest: Sendable, Hashable, Codable {
        public var to: String?
        public init(to: String? = nil) { self.to = to }
    }

    /// `POST /cases/{handle}/reply` (text or a template) and `/notes` (text).
    public struct TextRequest: Sendable, Hashable, Codable {
        public var text: String?
        public var canned: String?
        public init(text: String? = nil, canned: String? = nil) { (self.text, self.canned) = (text, canned) }
    }

    /// `POST /consultations`: a phone or in-person consultation, for statistics. `date` is `YYYY-MM-DD` (today
    /// when left out).
    public struct RecordRequest: Sendable, Hashable, Codable {
        public var channel: String
        public var topic: String
        public var outcome: String
        public var referral: String?
        public var date: String?

        public init(channel: String, topic: String, outcome: String, referral: String? = nil, date: String? = nil) {
            (self.channel, self.topic, self.outcome, self.referral, self.date) = (channel, topic, outcome, referral, date)
        }
    }

    /// What `POST /consultations` answers (201).
    public struct Recorded: Sendable, Hashable, Codable {
        public var status: String
        public var channel: String
        public init(status: String, channel: String) { (self.status, self.channel) = (status, channel) }
    }

    /// `POST /cases/{handle}/close`.
    public struct CloseRequest: Sendable, Hashable, Codable {
        public var outcome: String
        public var referral: String?
        public init(outcome: String, referral: String? = nil) { (self.outcome, self.referral) = (outcome, referral) }
    }
}
