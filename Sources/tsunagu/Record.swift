import ArgumentParser
import Foundation
import TsunaguCore

extension Tsunagu {
    /// `tsunagu record …`: the programme's records beside LINE, for statistics and the annual report.
    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the programme's work beside LINE: consultations, suit rentals, drop-ins, products, events.",
            discussion: """
                Counts and categories only: write nothing about anyone. Entries are never edited: withdraw a wrong one \
                (tsunagu record withdraw NUMBER) and record it again; both are in the audit log. A month takes entries \
                until some days after it ends (TSUNAGU_RECORDS_OPEN_DAYS, 10 by default); then its figures are \
                published and it is closed. Without a subcommand: a consultation, as before.
                """,
            subcommands: [Consultation.self, Suit.self, DropIn.self, Products.self, Event.self, Indicator.self, Withdraw.self, List.self],
            defaultSubcommand: Consultation.self)
    }
}

extension Tsunagu.Record {
    /// `tsunagu record consultation`: a phone, in-person or drop-in consultation.
    struct Consultation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log a phone, in-person or on-site (drop-in) consultation, so the statistics cover every channel.",
            discussion: """
                Only the channel, the day, the topic, the outcome and the referral are kept: write nothing about the \
                person. Topics are the script's (work, family, violence, money, health, pregnancy, school, other); \
                tsunagu outcomes lists the outcomes and partners.
                """)

        enum Channel: String, ExpressibleByArgument, CaseIterable {
            case phone
            case visit
            case onsite
        }

        @Option(help: "How she consulted: phone, visit (in person at the office) or onsite (at a drop-in).") var channel: Channel
        @Option(help: ArgumentHelp("The topic, e.g. work or family.", valueName: "id")) var topic: String
        @Option(help: ArgumentHelp("How it ended, e.g. listened or referred.", valueName: "id")) var outcome: String
        @Option(help: ArgumentHelp("The partner she was referred to.", valueName: "id")) var referral: String?
        @Option(help: ArgumentHelp("The day, YYYY-MM-DD (today when left out).", valueName: "date")) var date: String?

        func validate() throws { try validDate(date) }

        func run() async throws {
            let request = StaffAPI.RecordRequest(channel: channel.rawValue, topic: topic, outcome: outcome, referral: referral, date: date)
            let _: StaffAPI.Recorded = try await StaffClient.session { client in try await client.post(ProgrammePaths.consultations, request) }
            Terminal.say("Recorded a \(channel.rawValue) consultation (\(topic), \(outcome)).")
        }
    }

    /// `tsunagu record suit`: a suit lent.
    struct Suit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a suit lent: its purpose, and whether a counsellor listened or referred her on.")

        @Option(help: ArgumentHelp("What it was for: \(SuitRental.Purpose.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "id"))
        var purpose: String
        @Flag(help: "A counsellor listened to her at the lending.") var listened = false
        @Option(help: ArgumentHelp("The partner she was referred on to (tsunagu outcomes lists them).", valueName: "id")) var referral: String?
        @Option(help: ArgumentHelp("The day, YYYY-MM-DD (today when left out).", valueName: "date")) var date: String?

        func validate() throws {
            try validDate(date)
            if SuitRental.Purpose(rawValue: purpose) == nil {
                throw ValidationError("--purpose is one of: \(SuitRental.Purpose.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        }

        func run() async throws {
            let body = StaffAPI.SuitRequest(date: date, purpose: purpose, listened: listened, referral: referral)
            try await record(ProgrammePaths.suits, body, "a suit rental")
        }
    }

    /// `tsunagu record dropin`: a drop-in session.
    struct DropIn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dropin", abstract: "Record a drop-in session (居場所): where, how many came, and how many consulted on site.",
            discussion: "Places are the script's programme.places; an unknown one is refused with the list.")

        @Option(help: ArgumentHelp("The place's id.", valueName: "id")) var place: String
        @Option(help: ArgumentHelp("How many took part.", valueName: "count")) var participants: Int
        @Option(help: ArgumentHelp("How many consulted a counsellor on site; leave out when none was on site.", valueName: "count"))
        var consulted: Int?
        @Option(help: ArgumentHelp("The day, YYYY-MM-DD (today when left out).", valueName: "date")) var date: String?

        func validate() throws { try validDate(date) }

        func run() async throws {
            let body = StaffAPI.DropInRequest(date: date, place: place, participants: participants, consulted: consulted)
            try await record(ProgrammePaths.dropIns, body, "a drop-in session")
        }
    }

    /// `tsunagu record products`: sanitary products handed out at a facility in a month.
    struct Products: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the sanitary products one facility handed out in a month.",
            discussion: "Facilities are the script's programme.facilities. Record each facility's month once.")

        @Option(help: ArgumentHelp("The facility's id.", valueName: "id")) var facility: String
        @Option(help: ArgumentHelp("How many were handed out.", valueName: "count")) var count: Int
        @Option(help: ArgumentHelp("The month, YYYY-MM (this month when left out).", valueName: "month")) var month: String?

        func validate() throws {
            if let month, CivilMonth(month) == nil { throw ValidationError("--month must be a month written YYYY-MM.") }
        }

        func run() async throws {
            try await record(ProgrammePaths.products, StaffAPI.ProductsRequest(month: month, facility: facility, count: count), "products")
        }
    }

    /// `tsunagu record event`: an event and its participants.
    struct Event: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an event the programme held and how many took part.",
            discussion: "With --counted-in dropin its participants are shown as 再掲 (already counted) and not added to the KPI.")

        @Option(help: ArgumentHelp("The event's name, as announced.", valueName: "name")) var name: String
        @Option(help: ArgumentHelp("How many took part.", valueName: "count")) var participants: Int
        @Option(help: ArgumentHelp("The service its participants are already counted in: dropin.", valueName: "service"))
        var countedIn: String?
        @Option(help: ArgumentHelp("The day, YYYY-MM-DD (today when left out).", valueName: "date")) var date: String?

        func validate() throws {
            try validDate(date)
            if let countedIn, ProgrammeEvent.CountedIn(rawValue: countedIn) == nil { throw ValidationError("--counted-in takes dropin.") }
        }

        func run() async throws {
            let body = StaffAPI.EventRequest(date: date, name: name, participants: participants, countedIn: countedIn)
            try await record(ProgrammePaths.events, body, "an event")
        }
    }

    /// `tsunagu record indicator`: the citizens' survey figure (supervisors).
    struct Indicator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enter the outcome indicator from the citizens' survey for a fiscal year (supervisors).")

        @Option(help: ArgumentHelp("What the survey asked, in the city's words.", valueName: "text")) var name: String
        @Option(help: ArgumentHelp("The fiscal year it is for, e.g. 2025.", valueName: "year")) var fiscalYear: Int
        @Option(help: ArgumentHelp("The figure, in percent.", valueName: "percent")) var percent: Double
        @Option(help: ArgumentHelp("Its target, in percent.", valueName: "percent")) var target: Double

        func run() async throws {
            let body = OutcomeIndicator(name: name, fiscalYear: fiscalYear, percent: percent, targetPercent: target)
            try await record(ProgrammePaths.indicator, body, "the indicator")
        }
    }

    /// `tsunagu record withdraw`: withdraws a wrong entry.
    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a wrong entry (tsunagu record list shows the numbers); then record it again.")

        @Argument(help: ArgumentHelp("The entry's number.", valueName: "number")) var number: Int64

        func run() async throws {
            let answer: StaffAPI.RecordedEntry = try await StaffClient.session { client in
                try await client.post(ProgrammePaths.withdraw(number))
            }
            Terminal.say("Withdrew entry \(number) (withdrawal #\(answer.number)).")
        }
    }

    /// `tsunagu record list`: a fiscal year's entries.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a fiscal year's entries with their numbers.")

        @Option(help: ArgumentHelp("The fiscal year starting in April of this year (this one when left out).", valueName: "year"))
        var fiscalYear: Int?
        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            let entries: StaffAPI.ProgrammeEntries = try await StaffClient.session { client in
                try await client.get(ProgrammePaths.records(fiscalYear: fiscalYear))
            }
            if json { return try Terminal.printJSON(entries) }
            if entries.entries.isEmpty { return Terminal.say("No entries.") }
            for entry in entries.entries {
                let withdrawn = entry.withdrawnBy.map { "  (withdrawn by #\($0))" } ?? ""
                Terminal.say(Terminal.pad("#\(entry.number)", 7) + Terminal.pad(entry.kind, 11) + Terminal.pad(entry.date, 12) + entry.detail + withdrawn)
            }
        }
    }
}

/// The staff API's routes for the programme's records, written once.
enum ProgrammePaths {
    static let consultations = "/api/v1/consultations"
    static let suits = "/api/v1/records/suits"
    static let dropIns = "/api/v1/records/dropins"
    static let products = "/api/v1/records/products"
    static let events = "/api/v1/records/events"
    static let indicator = "/api/v1/records/indicator"
    static func withdraw(_ number: Int64) -> String { "/api/v1/records/\(number)/withdraw" }
    static func records(fiscalYear: Int?) -> String { "/api/v1/records" + (fiscalYear.map { "?fiscalYear=\($0)" } ?? "") }
    static func report(fiscalYear: Int) -> String { "/api/v1/stats/programme?fiscalYear=\(fiscalYear)" }
}

private func validDate(_ date: String?) throws {
    if let date, CivilDate(date) == nil { throw ValidationError("--date must be a date written YYYY-MM-DD.") }
}

/// Posts an entry and says its number.
private func record(_ path: String, _ body: some Encodable & Sendable, _ what: String) async throws {
    let answer: StaffAPI.RecordedEntry = try await StaffClient.session { client in try await client.post(path, body) }
    Terminal.say("Recorded \(what) as entry #\(answer.number).")
}
