/// Computes a fiscal year's ``ProgrammeReport`` from the anonymous case records and the programme's entries:
/// each month and the year counted from the same entries, the people-counting breakdowns protected together by
/// ``LinkedSuppression``. Pure, so that the city's published year can be reproduced in a test.
public struct ProgrammePublisher: Sendable {
    public var k: Int
    public var kpiName: String
    public var formula: KPIFormula
    public var target: Int
    public var labels: [String: [String: String]]

    public init(k: Int, kpiName: String, formula: KPIFormula, target: Int, labels: [String: [String: String]] = [:]) {
        (self.k, self.kpiName, self.formula, self.target, self.labels) = (max(2, k), kpiName, formula, target, labels)
    }

    /// - Parameters:
    ///   - facts: the cases and logged consultations of the fiscal year (others are ignored).
    ///   - records: the programme's entries dated in it, withdrawals included (others are ignored).
    public func publish(_ facts: [CaseFacts], _ records: [NumberedProgrammeRecord], fiscalYear: Int) -> ProgrammeReport {
        let months = StatisticsPeriod.fiscalYear(fiscalYear).monthsOfFiscalYear
        var figures = [Figures](repeating: Figures(), count: months.count)
        func month(of date: CivilDate) -> Int? { months.firstIndex { $0.from <= date && date <= $0.to } }

        for fact in facts where fact.queuedAt != nil || fact.channel != .line {
            guard let index = month(of: JapanTime(milliseconds: fact.openedAt).date) else { continue }
            figures[index].consultations[fact.channel.rawValue, default: 0] += 1
        }
        let withdrawn = Set(records.compactMap(\.record.withdrawnNumber))
        var indicator: OutcomeIndicator?
        var events: [ProgrammeEvent] = []
        for entry in records.sorted(by: { $0.number < $1.number }) where !withdrawn.contains(entry.number) {
            guard let index = month(of: entry.record.date) else { continue }
            figures[index].add(entry.record)
            switch entry.record {
            case .indicator(let entered): indicator = entered
            case .event(let event): events.append(event)
            default: break
            }
        }
        let rows = figures + [figures.reduce(into: Figures()) { $0.merge($1) }]
        let periods = months + [.fiscalYear(fiscalYear)]
        let suppression = LinkedSuppression(k: k)

        func protect(_ counts: (Figures) -> [String: Int]) -> [[String: PublishedCount]] {
            let table = LinkedTable(rows: rows.map(counts))
            let marks = suppression.protect(table)
            return marks.indices.map { row in
                Dictionary(
                    uniqueKeysWithValues: table.columns.indices.map { column in
                        (table.columns[column], published(table.cells[row][column], marks[row][column]))
                    })
            }
        }
        func share(_ part: (Figures) -> Int, of whole: (Figures) -> Int) -> [PublishedCount] {
            let table = LinkedTable(columns: ["of", "rest"], cells: rows.map { [part($0), whole($0) - part($0)] }, unpublished: [1])
            let marks = suppression.protect(table)
            return marks.indices.map { published(table.cells[$0][0], marks[$0][0]) }
        }
        let byChannel = protect(\.consultations)
        let byPurpose = protect(\.suitsByPurpose)
        let byPlace = protect(\.dropInByPlace)
        let listened = share(\.suitsListened, of: \.suitRentals)
        let referred = share(\.suitsReferred, of: \.suitRentals)
        let consulted = share(\.onSiteConsulted, of: \.dropInParticipants)

        let publishedRows = rows.indices.map { row in
            let figures = rows[row]
            return ProgrammeRow(
                period: periods[row], users: formula.terms.reduce(0) { $0 + figures.value(of: $1) },
                consultations: figures.value(of: .consultations), consultationsByChannel: byChannel[row],
                suitRentals: figures.suitRentals, suitsByPurpose: byPurpose[row], suitsListened: listened[row], suitsReferred: referred[row],
                dropInSessions: figures.dropInSessions, dropInParticipants: figures.dropInParticipants, dropInByPlace: byPlace[row],
                onSiteSessions: figures.onSiteSessions, onSiteConsulted: consulted[row], products: figures.products,
                productFacilities: figures.productsByFacility.count, eventParticipants: figures.eventParticipants,
                eventParticipantsRepeated: figures.eventParticipantsRepeated)
        }
        let year = publishedRows[LinkedTable.yearRow]
        return ProgrammeReport(
            fiscalYear: fiscalYear, k: k,
            kpi: .init(name: kpiName, formula: formula.description, target: target, actual: year.users), indicator: indicator,
            months: Array(publishedRows.prefix(months.count)), year: year, productsByFacility: rows[LinkedTable.yearRow].productsByFacility,
            events: events.sorted { $0.date < $1.date }, labels: labels)
    }

    private func published(_ value: Int, _ mark: LinkedSuppression.Mark) -> PublishedCount {
        switch mark {
        case .shown, .unpublished: .count(value)
        case .small: .suppressed(below: k)
        case .withheld: .withheld
        }
    }

    /// One period's raw counts.
    struct Figures {
        var consultations: [String: Int] = [:]
        var suitRentals = 0
        var suitsByPurpose: [String: Int] = [:]
        var suitsListened = 0
        var suitsReferred = 0
        var dropInSessions = 0
        var dropInParticipants = 0
        var dropInByPlace: [String: Int] = [:]
        var onSiteSessions = 0
        var onSiteConsulted = 0
        var products = 0
        var productsByFacility: [String: Int] = [:]
        var eventParticipants = 0
        var eventParticipantsRepeated = 0

        mutating func add(_ record: ProgrammeRecord) {
            switch record {
            case .suitRental(let rental):
                suitRentals += 1
                suitsByPurpose[rental.purpose.rawValue, default: 0] += 1
                if rental.listened { suitsListened += 1 }
                if rental.referral != nil { suitsReferred += 1 }
            case .dropIn(let session):
                dropInSessions += 1
                dropInParticipants += session.participants
                dropInByPlace[session.place, default: 0] += session.participants
                if let consulted = session.consulted {
                    onSiteSessions += 1
                    onSiteConsulted += consulted
                }
            case .products(let handout):
                products += handout.count
                productsByFacility[handout.facility, default: 0] += handout.count
            case .event(let event):
                if event.countedIn == nil { eventParticipants += event.participants } else { eventParticipantsRepeated += event.participants }
            case .indicator, .withdrawal:
                break
            }
        }

        mutating func merge(_ other: Figures) {
            consultations.merge(other.consultations, uniquingKeysWith: +)
            suitRentals += other.suitRentals
            suitsByPurpose.merge(other.suitsByPurpose, uniquingKeysWith: +)
            suitsListened += other.suitsListened
            suitsReferred += other.suitsReferred
            dropInSessions += other.dropInSessions
            dropInParticipants += other.dropInParticipants
            dropInByPlace.merge(other.dropInByPlace, uniquingKeysWith: +)
            onSiteSessions += other.onSiteSessions
            onSiteConsulted += other.onSiteConsulted
            products += other.products
            productsByFacility.merge(other.productsByFacility, uniquingKeysWith: +)
            eventParticipants += other.eventParticipants
            eventParticipantsRepeated += other.eventParticipantsRepeated
        }

        func value(of term: KPIFormula.Term) -> Int {
            switch term {
            case .consultations: consultations.values.reduce(0, +)
            case .lineConsultations: consultations[CaseFacts.Channel.line.rawValue] ?? 0
            case .phoneConsultations: consultations[CaseFacts.Channel.phone.rawValue] ?? 0
            case .visitConsultations: consultations[CaseFacts.Channel.visit.rawValue] ?? 0
            case .onsiteConsultations: consultations[CaseFacts.Channel.onsite.rawValue] ?? 0
            case .suits: suitRentals
            case .dropInParticipants: dropInParticipants
            case .dropInSessions: dropInSessions
            case .products: products
            case .eventParticipants: eventParticipants
            }
        }
    }
}
