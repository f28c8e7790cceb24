import TsunaguCore

extension StaffCommands {
    /// `tsunagu record consultation`: a phone, in-person or on-site consultation.
    public func recordConsultation(channel: String, topic: String, outcome: String, referral: String?, date: String?) async throws {
        let request = StaffAPI.RecordRequest(channel: channel, topic: topic, outcome: outcome, referral: referral, date: date)
        let _: StaffAPI.Recorded = try await client.post(StaffPaths.consultations, request)
        terminal.say("Recorded a \(channel) consultation (\(topic), \(outcome)).")
    }

    /// `tsunagu record suit`.
    public func recordSuit(purpose: String, listened: Bool, referral: String?, date: String?) async throws {
        try await record(
            StaffPaths.suits, StaffAPI.SuitRequest(date: date, purpose: purpose, listened: listened, referral: referral), "a suit rental")
    }

    /// `tsunagu record dropin`.
    public func recordDropIn(place: String, participants: Int, consulted: Int?, date: String?) async throws {
        let body = StaffAPI.DropInRequest(date: date, place: place, participants: participants, consulted: consulted)
        try await record(StaffPaths.dropIns, body, "a drop-in session")
    }

    /// `tsunagu record products`.
    public func recordProducts(facility: String, count: Int, month: String?) async throws {
        try await record(StaffPaths.products, StaffAPI.ProductsRequest(month: month, facility: facility, count: count), "products")
    }

    /// `tsunagu record event`.
    public func recordEvent(name: String, participants: Int, countedIn: String?, date: String?) async throws {
        let body = StaffAPI.EventRequest(date: date, name: name, participants: participants, countedIn: countedIn)
        try await record(StaffPaths.events, body, "an event")
    }

    /// `tsunagu record indicator` (supervisors).
    public func recordIndicator(name: String, fiscalYear: Int, percent: Double, target: Double) async throws {
        try await record(
            StaffPaths.indicator, OutcomeIndicator(name: name, fiscalYear: fiscalYear, percent: percent, targetPercent: target), "the indicator")
    }

    /// `tsunagu record withdraw`.
    public func withdrawRecord(_ number: Int64) async throws {
        let answer: StaffAPI.RecordedEntry = try await client.post(StaffPaths.withdraw(number))
        terminal.say("Withdrew entry \(number) (withdrawal #\(answer.number)).")
    }

    /// `tsunagu record list`.
    public func listRecords(fiscalYear: Int?, json: Bool) async throws {
        let entries: StaffAPI.ProgrammeEntries = try await client.get(StaffPaths.records(fiscalYear: fiscalYear))
        if json { return try terminal.printJSON(entries) }
        if entries.entries.isEmpty { return terminal.say("No entries.") }
        for entry in entries.entries {
            let withdrawn = entry.withdrawnBy.map { "  (withdrawn by #\($0))" } ?? ""
            terminal.say(Terminal.pad("#\(entry.number)", 7) + Terminal.pad(entry.kind, 11) + Terminal.pad(entry.date, 12) + entry.detail + withdrawn)
        }
    }

    /// Posts an entry and says its number.
    private func record(_ path: String, _ body: some Encodable & Sendable, _ what: String) async throws {
        let answer: StaffAPI.RecordedEntry = try await client.post(path, body)
        terminal.say("Recorded \(what) as entry #\(answer.number).")
    }
}

/// The checks `tsunagu record` and `tsunagu stats` make before asking the server, as usage errors.
public enum ArgumentChecks {
    /// The purposes a suit is lent for, for the help text.
    public static let suitPurposes = SuitRental.Purpose.allCases.map(\.rawValue)

    public static func date(_ date: String?, option: String = "--date") throws(UsageError) {
        if let date, CivilDate(date) == nil { throw UsageError("\(option) must be a date written YYYY-MM-DD.") }
    }

    public static func month(_ month: String?) throws(UsageError) {
        if let month, CivilMonth(month) == nil { throw UsageError("--month must be a month written YYYY-MM.") }
    }

    public static func suitPurpose(_ purpose: String) throws(UsageError) {
        if SuitRental.Purpose(rawValue: purpose) == nil { throw UsageError("--purpose is one of: \(suitPurposes.joined(separator: ", ")).") }
    }

    public static func countedIn(_ countedIn: String?) throws(UsageError) {
        if let countedIn, ProgrammeEvent.CountedIn(rawValue: countedIn) == nil { throw UsageError("--counted-in takes dropin.") }
    }
}
