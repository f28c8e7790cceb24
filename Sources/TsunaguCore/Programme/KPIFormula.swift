/// The programme's KPI as the city defines it: a sum of the report's figures. The programme this was built for
/// counts 事業利用者数 as consultations over every channel, plus suit rentals, plus drop-in participants; another
/// city sets its own sum (`TSUNAGU_KPI_FORMULA`).
public struct KPIFormula: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A figure the formula may add.
    public enum Term: String, Sendable, Hashable, Codable, CaseIterable {
        case consultations
        case lineConsultations = "consultations.line"
        case phoneConsultations = "consultations.phone"
        case visitConsultations = "consultations.visit"
        case onsiteConsultations = "consultations.onsite"
        case suits
        case dropInParticipants = "dropin.participants"
        case dropInSessions = "dropin.sessions"
        case products
        /// Event participants not already counted in another service (再掲 excluded).
        case eventParticipants = "event.participants"
    }

    public var terms: [Term]

    public static let programme = KPIFormula(terms: [.consultations, .suits, .dropInParticipants])

    public init(terms: [Term]) { self.terms = terms }

    /// Parses terms joined by `+`, such as `consultations + suits + dropin.participants`; `nil` if a term is
    /// unknown or repeated.
    public init?(_ text: String) {
        let names = text.split(separator: "+").map { $0.filter { !$0.isWhitespace } }
        let terms = names.compactMap { Term(rawValue: String($0)) }
        guard !terms.isEmpty, terms.count == names.count, Set(terms).count == terms.count else { return nil }
        self.terms = terms
    }

    public var description: String { terms.map(\.rawValue).joined(separator: " + ") }

    /// What the formula's terms may be, for error messages and `--help`.
    public static var termList: String { Term.allCases.map(\.rawValue).joined(separator: ", ") }
}
