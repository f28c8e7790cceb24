/// What makes a programme entry acceptable: categories from the office's lists, counts in range, and a date in a
/// month whose figures are still open. Pure; the staff API turns a ``ProgrammeRefusal`` into a 4xx.
public struct ProgrammeRules: Sendable {
    /// The office's lists, from the conversation script's `programme` and `partners`.
    public var places: [String]
    public var facilities: [String]
    public var partners: [String]
    public var window: RecordingWindow

    public init(places: [String], facilities: [String], partners: [String], window: RecordingWindow) {
        (self.places, self.facilities, self.partners, self.window) = (places, facilities, partners, window)
    }

    /// The longest event or indicator name kept: a title, not a story.
    public static let longestName = 80
    public static let participants = 0...100_000

    public func check(_ record: ProgrammeRecord, now: Int64) throws(ProgrammeRefusal) {
        switch record {
        case .suitRental(let rental):
            if let referral = rental.referral, !partners.contains(referral) { throw .unknown("referral", allowed: partners) }
        case .dropIn(let session):
            guard places.contains(session.place) else { throw .unknown("place", allowed: places) }
            try count("participants", session.participants, in: Self.participants)
            if let consulted = session.consulted { try count("consulted", consulted, in: 0...session.participants) }
        case .products(let handout):
            guard facilities.contains(handout.facility) else { throw .unknown("facility", allowed: facilities) }
            try count("count", handout.count, in: 1...1_000_000)
        case .event(let event):
            try name(event.name)
            try count("participants", event.participants, in: Self.participants)
        case .indicator(let indicator):
            try name(indicator.name)
            guard (0...100).contains(indicator.percent), (0...100).contains(indicator.targetPercent) else {
                throw ProgrammeRefusal(code: "invalid_body", "The indicator and its target are percentages from 0 to 100.")
            }
            return try notAhead(record.date, now: now)
        case .withdrawal(_, of: .indicator, let dated):
            return try notAhead(dated, now: now)
        case .withdrawal:
            break
        }
        try window.check(record.date, now: now)
    }

    /// A survey's figure is entered (and corrected) when the city publishes it, after its year: only the year must
    /// have begun.
    private func notAhead(_ date: CivilDate, now: Int64) throws(ProgrammeRefusal) {
        guard date <= window.today(now) else { throw ProgrammeRefusal(code: "invalid_date", "That fiscal year has not started yet.") }
    }

    private func count(_ name: String, _ value: Int, in range: ClosedRange<Int>) throws(ProgrammeRefusal) {
        guard range.contains(value) else {
            throw ProgrammeRefusal(code: "invalid_body", "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
    }

    private func name(_ text: String) throws(ProgrammeRefusal) {
        guard !text.allSatisfy(\.isWhitespace), text.count <= Self.longestName,
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw ProgrammeRefusal(code: "invalid_body", "A name is one line of 1 to \(Self.longestName) characters.") }
    }
}

/// Until when entries may be dated in a month. A month's figures are published soon after it ends; once they are,
/// an entry dated in it would change a published figure, and two versions of a month could be set against each
/// other to single out whoever the new entry counts. So a month takes entries until `openDays` after its last
/// day, and never a day that has not come yet.
public struct RecordingWindow: Sendable, Hashable {
    public var openDays: Int

    public init(openDays: Int) { self.openDays = openDays }

    public func today(_ now: Int64) -> CivilDate { JapanTime(milliseconds: now).date }

    /// The last day entries may be dated in `month`.
    public func closes(_ month: CivilMonth) -> CivilDate { month.period.to.adding(days: openDays) }

    public func check(_ date: CivilDate, now: Int64) throws(ProgrammeRefusal) {
        let today = today(now)
        guard date <= today else { throw ProgrammeRefusal(code: "invalid_date", "\(date) has not come yet.") }
        let month = CivilMonth(date)
        guard today <= closes(month) else {
            throw ProgrammeRefusal(
                code: "month_closed", status: 409,
                "\(month) closed to new entries on \(closes(month)), when its figures were published; record it in the month it is entered.")
        }
    }
}

/// Why an entry was refused, in one sentence for staff.
public struct ProgrammeRefusal: Error, Sendable, Hashable {
    public var code: String
    /// The HTTP status: 400 for bad input, 404 for an unknown entry, 409 for a closed month or a repeat.
    public var status: Int
    public var message: String

    public init(code: String, status: Int = 400, _ message: String) { (self.code, self.status, self.message) = (code, status, message) }

    static func unknown(_ field: String, allowed: [String]) -> ProgrammeRefusal {
        guard !allowed.isEmpty else {
            return ProgrammeRefusal(
                code: "not_configured", status: 409,
                "No \(field == "place" ? "places" : field == "facility" ? "facilities" : "partners") are configured yet; add them to the script's programme section."
            )
        }
        return ProgrammeRefusal(code: "invalid_body", "That \(field) is not on the office's list; it is one of: \(allowed.joined(separator: ", ")).")
    }
}
