public import TsunaguCore

/// The behaviour every ``StatisticsStore`` backend must show, written once against the stores of one database
/// (triage writes the case records statistics read). Each check returns the promises it found broken.
public enum StatisticsStoreContract {
    public struct Stores: Sendable {
        public var statistics: any StatisticsStore
        public var inbox: any InboxStore
        public var triage: any TriageStore
        public var audit: any AuditLog

        public init(statistics: any StatisticsStore, inbox: any InboxStore, triage: any TriageStore, audit: any AuditLog) {
            self.statistics = statistics
            self.inbox = inbox
            self.triage = triage
            self.audit = audit
        }
    }

    public typealias MakeStores = @Sendable () async throws -> Stores

    /// A logged consultation is a fact of its own time only, counted as nobody's chat, with its audit entry.
    public static func offlineConsultations(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        var broken: [String] = []
        let call = CaseFacts(person: nil, channel: .phone, openedAt: 100, topic: "dv", outcome: "referred", referral: "police")
        try await stores.statistics.record(call, by: "sato")
        let inside = try await stores.statistics.facts(openedIn: 0..<200)
        if inside != [call] { broken.append("facts of its time were \(inside)") }
        if try await !stores.statistics.facts(openedIn: 200..<300).isEmpty { broken.append("it counted in another period") }
        let audited = try await stores.audit.entries().map { "\($0.actor) \($0.action) \($0.detail ?? "")" }
        if audited != ["sato consultation.record phone, referred"] { broken.append("audit entries \(audited)") }
        return broken
    }

    /// A case's facts are its triage record, with when her first case ever was opened; only cases opened in the
    /// period count.
    public static func caseFacts(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        var broken: [String] = []
        _ = try await stores.inbox.append(
            TriageStoreContract.events("a", conversation: "A", count: 2) + TriageStoreContract.events("b", conversation: "B", count: 1))
        let plans: [String: CaseRecord] = [
            "a-0": record("c1", openedAt: 1_000), "a-1": record("c2", openedAt: 5_000),
            "b-0": record("c3", openedAt: 6_000, emergency: "violence", outOfHours: true),
        ]
        _ = try await stores.triage.process(try await stores.triage.pendingEvents(limit: 10)) { event, _ in
            guard let record = plans[event.eventID] else { return .nothing }
            return TriageCommit(conversation: Conversation(state: .queued(priority: record.priority ?? .normal), currentCase: record))
        }
        let facts = try await stores.statistics.facts(openedIn: 4_000..<10_000).sorted { $0.openedAt < $1.openedAt }
        guard facts.count == 2 else { return ["facts of the period were \(facts.map(\.openedAt))"] }
        let (returning, new) = (facts[0], facts[1])
        if returning.person != "A" || returning.personFirstSeenAt != 1_000 || returning.channel != .line {
            broken.append("her second case: \(returning)")
        }
        if new.person != "B" || new.personFirstSeenAt != 6_000 || new.emergency != "violence" || !new.outOfHours
            || new.priority != .emergency || new.queuedAt != 6_100 || new.topic != "dv"
        {
            broken.append("the emergency case: \(new)")
        }
        return broken
    }

    static func record(_ id: String, openedAt: Int64, emergency: String? = nil, outOfHours: Bool = false) -> CaseRecord {
        var record = CaseRecord(id: id, openedAt: openedAt)
        record.topic = "dv"
        record.emergency = emergency
        record.priority = emergency == nil ? .normal : .emergency
        record.outOfHours = outOfHours
        record.queuedAt = openedAt + 100
        return record
    }

    public static let all: [(name: String, check: @Sendable (MakeStores) async throws -> [String])] = [
        ("offlineConsultations", offlineConsultations), ("caseFacts", caseFacts),
    ]
}
