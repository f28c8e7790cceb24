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

    /// Programme entries are kept as they were given, numbered in order, found by the day they count on (a
    /// withdrawal on the day of what it withdraws), each with its audit entry; nothing is edited.
    public static func programmeRecords(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        var broken: [String] = []
        let april = CivilDate(year: 2026, month: 4, day: 30)
        let may = CivilDate(year: 2026, month: 5, day: 1)
        let suit = ProgrammeRecord.suitRental(SuitRental(date: april, purpose: .interview, listened: true, referral: "hellowork"))
        let dropIn = ProgrammeRecord.dropIn(DropInSession(date: may, place: "centre", participants: 14, consulted: 2))
        let products = ProgrammeRecord.products(ProductHandout(month: CivilMonth(year: 2026, month: 5), facility: "library", count: 120))
        let event = ProgrammeRecord.event(ProgrammeEvent(date: may, name: "国際女性デー講演会, \"特別編\"", participants: 68, countedIn: .dropIn))
        var numbers: [Int64] = []
        for (index, record) in [suit, dropIn, products, event].enumerated() {
            numbers.append(try await stores.statistics.append(record, at: 1_000 + Int64(index), by: "sato"))
        }
        if numbers != numbers.sorted() || Set(numbers).count != 4 { broken.append("numbers not increasing: \(numbers)") }
        let withdrawal = ProgrammeRecord.withdrawal(number: numbers[0], of: .suitRental, dated: april)
        let withdrawn = try await stores.statistics.append(withdrawal, at: 2_000, by: "tanaka")

        let aprilEntries = try await stores.statistics.programmeRecords(datedIn: .month(2026, 4))
        if aprilEntries.map(\.record) != [suit, withdrawal] || aprilEntries.map(\.number) != [numbers[0], withdrawn] {
            broken.append("April held \(aprilEntries)")
        }
        if aprilEntries.first?.recordedAt != 1_000 { broken.append("recorded at \(aprilEntries.first?.recordedAt ?? -1), not 1000") }
        let mayEntries = try await stores.statistics.programmeRecords(datedIn: .month(2026, 5)).map(\.record)
        if mayEntries != [dropIn, products, event] { broken.append("May held \(mayEntries)") }
        if try await stores.statistics.programmeRecords(datedIn: .month(2026, 6)).count != 0 { broken.append("June held entries") }
        if try await stores.statistics.programmeRecord(number: numbers[3])?.record != event { broken.append("entry by number lost the event") }
        if try await stores.statistics.programmeRecord(number: withdrawn + 100) != nil { broken.append("an unknown number was found") }
        let audited = try await stores.audit.entries().map { "\($0.actor) \($0.action)" }
        if audited != Array(repeating: "sato programme.record", count: 4) + ["tanaka programme.withdraw"] {
            broken.append("audit entries \(audited)")
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
        ("offlineConsultations", offlineConsultations), ("caseFacts", caseFacts), ("programmeRecords", programmeRecords),
    ]
}
