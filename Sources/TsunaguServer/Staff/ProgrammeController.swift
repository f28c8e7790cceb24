public import Hummingbird
public import TsunaguCore

/// The programme's records and its annual report on the staff listener:
///
/// - `POST /api/v1/consultations`, `/records/suits`, `/records/dropins`, `/records/products`, `/records/events`
///   (counsellors and supervisors) and `/records/indicator` (supervisors) append an entry; `POST
///   /records/{number}/withdraw` withdraws one; `GET /records?fiscalYear=YYYY` lists a year's entries.
/// - `GET /api/v1/stats/programme?fiscalYear=YYYY` (supervisors): the ``ProgrammeReport``.
///
/// Every entry is checked by ``ProgrammeRules`` (the office's lists, a month still open) and audited by the store;
/// nothing is ever edited.
public struct ProgrammeController<Context: RequestContext>: Sendable {
    let authenticator: StaffAuthenticator
    let store: any StatisticsStore
    let consultations: ConsultationLog?
    let settings: StatisticsSettings
    let clock: WallClock

    public init(
        stores: StoreSet, authenticationGuard: AuthenticationGuard, consultations: ConsultationLog?, settings: StatisticsSettings,
        clock: WallClock
    ) {
        self.authenticator = StaffAuthenticator(store: stores.staff, guard: authenticationGuard)
        self.store = stores.statistics
        self.consultations = consultations
        self.settings = settings
        self.clock = clock
    }

    /// Who keeps the programme's records: those who run its services.
    static var recorders: Set<StaffRole> { [.counsellor, .supervisor] }

    public func addRoutes(to router: Router<Context>) {
        let api = router.group("api/v1")
        api.post("consultations") { request, _ -> EditedResponse<StaffAPI.Recorded> in
            let member = try await authenticator.member(for: request, allowing: [.counsellor])
            guard let body = try await decode(StaffAPI.RecordRequest.self, from: request) else {
                throw APIError(.badRequest, code: "invalid_body", "Send {\"channel\", \"topic\", \"outcome\"} (and \"referral\", \"date\").")
            }
            let day = try date(body.date)
            try refusing { try settings.recordingWindow.check(day, now: clock.now()) }
            do {
                guard let channel = CaseFacts.Channel(rawValue: body.channel) else { throw CaseRefusal.unknownChannel }
                try await consultationLog().record(
                    channel: channel, on: body.date == nil ? nil : day, topic: body.topic, outcome: body.outcome, referral: body.referral,
                    by: member)
            } catch let refusal as CaseRefusal {
                throw APIError(refusal)
            }
            return EditedResponse(status: .created, response: StaffAPI.Recorded(status: "recorded", channel: body.channel))
        }
        api.post("records/suits") { request, _ in
            let member = try await authenticator.member(for: request, allowing: Self.recorders)
            let body = try await body(StaffAPI.SuitRequest.self, request, "{\"purpose\"} (and \"date\", \"listened\", \"referral\")")
            guard let purpose = SuitRental.Purpose(rawValue: body.purpose) else {
                throw APIError(
                    .badRequest, code: "invalid_body",
                    "purpose is one of: \(SuitRental.Purpose.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            let rental = SuitRental(date: try date(body.date), purpose: purpose, listened: body.listened ?? false, referral: body.referral)
            return try await append(.suitRental(rental), by: member)
        }
        api.post("records/dropins") { request, _ in
            let member = try await authenticator.member(for: request, allowing: Self.recorders)
            let body = try await body(StaffAPI.DropInRequest.self, request, "{\"place\", \"participants\"} (and \"date\", \"consulted\")")
            let session = DropInSession(date: try date(body.date), place: body.place, participants: body.participants, consulted: body.consulted)
            return try await append(.dropIn(session), by: member)
        }
        api.post("records/products") { request, _ in
            let member = try await authenticator.member(for: request, allowing: Self.recorders)
            let body = try await body(StaffAPI.ProductsRequest.self, request, "{\"facility\", \"count\"} (and \"month\")")
            let month =
                try body.month.map { text in
                    guard let month = CivilMonth(text) else {
                        throw APIError(.badRequest, code: "invalid_body", "month must be written YYYY-MM.")
                    }
                    return month
                } ?? CivilMonth(JapanTime(milliseconds: clock.now()).date)
            return try await append(.products(ProductHandout(month: month, facility: body.facility, count: body.count)), by: member)
        }
        api.post("records/events") { request, _ in
            let member = try await authenticator.member(for: request, allowing: Self.recorders)
            let body = try await body(StaffAPI.EventRequest.self, request, "{\"name\", \"participants\"} (and \"date\", \"countedIn\")")
            var countedIn: ProgrammeEvent.CountedIn?
            if let text = body.countedIn {
                guard let service = ProgrammeEvent.CountedIn(rawValue: text) else {
                    throw APIError(.badRequest, code: "invalid_body", "countedIn is dropin, or left out.")
                }
                countedIn = service
            }
            let event = ProgrammeEvent(date: try date(body.date), name: body.name, participants: body.participants, countedIn: countedIn)
            return try await append(.event(event), by: member)
        }
        api.post("records/indicator") { request, _ in
            let member = try await authenticator.member(for: request, allowing: [.supervisor])
            let indicator = try await body(OutcomeIndicator.self, request, "{\"name\", \"fiscalYear\", \"percent\", \"targetPercent\"}")
            return try await append(.indicator(indicator), by: member)
        }
        api.post("records/:number/withdraw") { request, context in
            let member = try await authenticator.member(for: request, allowing: Self.recorders)
            guard let text = context.parameters.get("number"), let number = Int64(text), number > 0 else {
                throw APIError(.badRequest, code: "invalid_number", "An entry's number is a whole number, as tsunagu record list shows.")
            }
            guard let entry = try await store.programmeRecord(number: number), entry.record.withdrawnNumber == nil else {
                throw APIError(.notFound, code: "not_found", "There is no entry with that number to withdraw.")
            }
            let withdrawn = Set(
                try await store.programmeRecords(datedIn: .month(entry.record.date.year, entry.record.date.month))
                    .compactMap(\.record.withdrawnNumber))
            guard !withdrawn.contains(number) else {
                throw APIError(.conflict, code: "already_withdrawn", "That entry was withdrawn already.")
            }
            if entry.record.kind == .indicator, member.role != .supervisor { throw APIError.forbidden("supervisor") }
            return try await append(.withdrawal(number: number, of: entry.record.kind, dated: entry.record.date), by: member)
        }
        api.get("records") { request, _ -> StaffAPI.ProgrammeEntries in
            _ = try await authenticator.member(for: request, allowing: Self.recorders)
            let entries = try await store.programmeRecords(datedIn: .fiscalYear(try fiscalYear(request)))
            let withdrawals = Dictionary(entries.compactMap { entry in entry.record.withdrawnNumber.map { ($0, entry.number) } }) { first, _ in first
            }
            return StaffAPI.ProgrammeEntries(
                entries: entries.map { entry in
                    .init(
                        number: entry.number, kind: entry.record.kind.rawValue, date: "\(entry.record.date)",
                        detail: entry.record.auditDetail, withdrawnBy: withdrawals[entry.number])
                })
        }
        api.get("stats/programme") { request, _ -> ProgrammeReport in
            _ = try await authenticator.member(for: request, allowing: [.supervisor])
            let year = try fiscalYear(request)
            let period = StatisticsPeriod.fiscalYear(year)
            let facts = try await store.facts(openedIn: period.milliseconds)
            let records = try await store.programmeRecords(datedIn: period)
            let publisher = ProgrammePublisher(
                k: settings.minimumCell, kpiName: settings.kpiName, formula: settings.kpiFormula, target: settings.peopleTarget,
                labels: consultations?.labels ?? [:])
            return publisher.publish(facts, records, fiscalYear: year)
        }
    }

    private func append(_ record: ProgrammeRecord, by member: StaffMember) async throws -> EditedResponse<StaffAPI.RecordedEntry> {
        let script = try consultationLog().script
        let rules = ProgrammeRules(
            places: (script.programme?.places ?? []).map(\.id), facilities: (script.programme?.facilities ?? []).map(\.id),
            partners: script.partners.map(\.id), window: settings.recordingWindow)
        let now = clock.now()
        try refusing { try rules.check(record, now: now) }
        let number = try await store.append(record, at: now, by: member.name)
        let status = record.withdrawnNumber == nil ? "recorded" : "withdrawn"
        return EditedResponse(status: .created, response: StaffAPI.RecordedEntry(number: number, kind: record.kind.rawValue, status: status))
    }

    private func body<Body: Decodable>(_ type: Body.Type, _ request: Request, _ shape: String) async throws -> Body {
        guard let body = try await decode(type, from: request) else {
            throw APIError(.badRequest, code: "invalid_body", "Send \(shape).")
        }
        return body
    }

    /// The day written YYYY-MM-DD, or today (Japan time) when left out.
    private func date(_ text: String?) throws -> CivilDate {
        guard let text else { return JapanTime(milliseconds: clock.now()).date }
        guard let date = CivilDate(text) else { throw APIError(.badRequest, code: "invalid_body", "date must be written YYYY-MM-DD.") }
        return date
    }

    private func fiscalYear(_ request: Request) throws -> Int {
        let current = StatisticsPeriod.fiscalYear(of: JapanTime(milliseconds: clock.now()).date)
        return try integer(in: request, "fiscalYear", default: current, in: 2000...2100)
    }

    private func consultationLog() throws -> ConsultationLog {
        guard let consultations else {
            throw APIError(.serviceUnavailable, code: "unavailable", "Records need the conversation script, which this server has not loaded.")
        }
        return consultations
    }

    private func refusing(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let refusal as ProgrammeRefusal {
            throw APIError(HTTPResponse.Status(code: refusal.status), code: refusal.code, refusal.message)
        }
    }
}

extension ProgrammeReport: ResponseEncodable {}
extension StaffAPI.RecordedEntry: ResponseEncodable {}
extension StaffAPI.ProgrammeEntries: ResponseEncodable {}
