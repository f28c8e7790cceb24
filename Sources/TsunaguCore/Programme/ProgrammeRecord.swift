/// One entry in the record of the programme's services beside LINE consultations: a suit lent, a drop-in session
/// held, sanitary products handed out, an event, the citizens' survey figure, or the withdrawal of an earlier
/// entry. Counts and categories only, anonymous by construction: there is no field a name could go in (an event's
/// name is the event's, written by staff).
///
/// Entries are never edited. A mistake is corrected by withdrawing the entry (a new, audited entry) and recording
/// it again, so the audit log tells every figure's history.
public enum ProgrammeRecord: Sendable, Hashable, Codable {
    case suitRental(SuitRental)
    case dropIn(DropInSession)
    case products(ProductHandout)
    case event(ProgrammeEvent)
    case indicator(OutcomeIndicator)
    /// Withdraws entry `number`, dated as that entry was so that it falls in the same period.
    case withdrawal(number: Int64, of: Kind, dated: CivilDate)

    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case suitRental = "suit"
        case dropIn = "dropin"
        case products
        case event
        case indicator
        case withdrawal
    }

    public var kind: Kind {
        switch self {
        case .suitRental: .suitRental
        case .dropIn: .dropIn
        case .products: .products
        case .event: .event
        case .indicator: .indicator
        case .withdrawal: .withdrawal
        }
    }

    /// The day the entry counts on: products on the first of their month, an indicator on the first day of
    /// its fiscal year.
    public var date: CivilDate {
        switch self {
        case .suitRental(let rental): rental.date
        case .dropIn(let session): session.date
        case .products(let handout): CivilDate(year: handout.month.year, month: handout.month.month, day: 1)
        case .event(let event): event.date
        case .indicator(let indicator): StatisticsPeriod.fiscalYear(indicator.fiscalYear).from
        case .withdrawal(_, _, let dated): dated
        }
    }

    /// The entry this one withdraws.
    public var withdrawnNumber: Int64? {
        if case .withdrawal(let number, _, _) = self { return number }
        return nil
    }

    /// One line for the audit log: the kind and the figures, never free text.
    public var auditDetail: String {
        switch self {
        case .suitRental(let rental): "\(date), \(rental.purpose.rawValue)"
        case .dropIn(let session): "\(date), \(session.place), \(session.participants) participants"
        case .products(let handout): "\(handout.month), \(handout.facility), \(handout.count)"
        case .event(let event): "\(date), \(event.participants) participants"
        case .indicator(let indicator): "fiscal year \(indicator.fiscalYear), \(indicator.percent) %"
        case .withdrawal(let number, let kind, _): "#\(number) (\(kind.rawValue))"
        }
    }
}

/// A suit lent for a job interview, work, or a ceremony.
public struct SuitRental: Sendable, Hashable, Codable {
    public enum Purpose: String, Sendable, Hashable, Codable, CaseIterable {
        case interview
        case work
        /// Her own ceremony (a graduation, a coming-of-age day).
        case ownCeremony = "own-ceremony"
        /// Her child's ceremony (an entrance or graduation).
        case childCeremony = "child-ceremony"
    }

    public var date: CivilDate
    public var purpose: Purpose
    /// A counsellor listened to her when the suit was lent.
    public var listened: Bool
    /// The partner she was referred on to, if any (an id of the script's partners).
    public var referral: String?

    public init(date: CivilDate, purpose: Purpose, listened: Bool = false, referral: String? = nil) {
        (self.date, self.purpose, self.listened, self.referral) = (date, purpose, listened, referral)
    }
}

/// A drop-in session (居場所) at one of the configured places.
public struct DropInSession: Sendable, Hashable, Codable {
    public var date: CivilDate
    /// An id of the script's `programme.places`.
    public var place: String
    public var participants: Int
    /// How many consulted a counsellor on site; `nil` when no on-site consultation was held.
    public var consulted: Int?

    public init(date: CivilDate, place: String, participants: Int, consulted: Int? = nil) {
        (self.date, self.place, self.participants, self.consulted) = (date, place, participants, consulted)
    }
}

/// Sanitary products handed out at one facility in a month.
public struct ProductHandout: Sendable, Hashable, Codable {
    public var month: CivilMonth
    /// An id of the script's `programme.facilities`.
    public var facility: String
    public var count: Int

    public init(month: CivilMonth, facility: String, count: Int) { (self.month, self.facility, self.count) = (month, facility, count) }
}

/// An event the programme held, such as its International Women's Day talk.
public struct ProgrammeEvent: Sendable, Hashable, Codable {
    public var date: CivilDate
    /// The event's own name, as it was announced.
    public var name: String
    public var participants: Int
    /// The service its participants are already counted in (再掲), so that they are not counted twice.
    public var countedIn: CountedIn?

    public enum CountedIn: String, Sendable, Hashable, Codable, CaseIterable {
        case dropIn = "dropin"
    }

    public init(date: CivilDate, name: String, participants: Int, countedIn: CountedIn? = nil) {
        (self.date, self.name, self.participants, self.countedIn) = (date, name, participants, countedIn)
    }
}

/// The outcome indicator from the city's citizens' survey, entered by a supervisor: a share of citizens (in
/// percent) and its target, for a fiscal year.
public struct OutcomeIndicator: Sendable, Hashable, Codable {
    /// What the survey asked, in the city's words.
    public var name: String
    public var fiscalYear: Int
    public var percent: Double
    public var targetPercent: Double

    public init(name: String, fiscalYear: Int, percent: Double, targetPercent: Double) {
        (self.name, self.fiscalYear, self.percent, self.targetPercent) = (name, fiscalYear, percent, targetPercent)
    }
}

/// An entry as stored: its number (for withdrawing it) and when it was recorded.
public struct NumberedProgrammeRecord: Sendable, Hashable, Codable {
    public var number: Int64
    public var recordedAt: Int64
    public var record: ProgrammeRecord

    public init(number: Int64, recordedAt: Int64, record: ProgrammeRecord) {
        (self.number, self.recordedAt, self.record) = (number, recordedAt, record)
    }
}

/// A calendar month, written `YYYY-MM`.
public struct CivilMonth: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    public init(year: Int, month: Int) { (self.year, self.month) = (year, month) }

    /// Parses `YYYY-MM`; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
            (1...12).contains(month)
        else { return nil }
        self.init(year: year, month: month)
    }

    public init(_ date: CivilDate) { self.init(year: date.year, month: date.month) }

    public var period: StatisticsPeriod { .month(year, month) }

    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    public static func < (lhs: CivilMonth, rhs: CivilMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}
