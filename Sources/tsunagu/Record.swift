import ArgumentParser
import TsunaguClient

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

        func validate() throws { try usage { () throws(UsageError) in try ArgumentChecks.date(date) } }

        func run() async throws {
            try await Composition.session { commands in
                try await commands.recordConsultation(channel: channel.rawValue, topic: topic, outcome: outcome, referral: referral, date: date)
            }
        }
    }

    /// `tsunagu record suit`: a suit lent.
    struct Suit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a suit lent: its purpose, and whether a counsellor listened or referred her on.")

        @Option(help: ArgumentHelp("What it was for: \(ArgumentChecks.suitPurposes.joined(separator: ", ")).", valueName: "id"))
        var purpose: String
        @Flag(help: "A counsellor listened to her at the lending.") var listened = false
        @Option(help: ArgumentHelp("The partner she was referred on to (tsunagu outcomes lists them).", valueName: "id")) var referral: String?
        @Option(help: ArgumentHelp("The day, YYYY-MM-DD (today when left out).", valueName: "date")) var date: String?

        func validate() throws {
            try usage { () throws(UsageError) in
                try ArgumentChecks.date(date)
                try ArgumentChecks.suitPurpose(purpose)
            }
        }

        func run() async throws {
            try await Composition.session { try await $0.recordSuit(purpose: purpose, listened: listened, referral: referral, date: date) }
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

        func validate() throws { try usage { () throws(UsageError) in try ArgumentChecks.date(date) } }

        func run() async throws {
            try await Composition.session { try await $0.recordDropIn(place: place, participants: participants, consulted: consulted, date: date) }
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

        func validate() throws { try usage { () throws(UsageError) in try ArgumentChecks.month(month) } }

        func run() async throws {
            try await Composition.session { try await $0.recordProducts(facility: facility, count: count, month: month) }
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
            try usage { () throws(UsageError) in
                try ArgumentChecks.date(date)
                try ArgumentChecks.countedIn(countedIn)
            }
        }

        func run() async throws {
            try await Composition.session { try await $0.recordEvent(name: name, participants: participants, countedIn: countedIn, date: date) }
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
            try await Composition.session { try await $0.recordIndicator(name: name, fiscalYear: fiscalYear, percent: percent, target: target) }
        }
    }

    /// `tsunagu record withdraw`: withdraws a wrong entry.
    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a wrong entry (tsunagu record list shows the numbers); then record it again.")

        @Argument(help: ArgumentHelp("The entry's number.", valueName: "number")) var number: Int64

        func run() async throws {
            try await Composition.session { try await $0.withdrawRecord(number) }
        }
    }

    /// `tsunagu record list`: a fiscal year's entries.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a fiscal year's entries with their numbers.")

        @Option(help: ArgumentHelp("The fiscal year starting in April of this year (this one when left out).", valueName: "year"))
        var fiscalYear: Int?
        @Flag(help: "Print JSON for scripts.") var json = false

        func run() async throws {
            try await Composition.session { try await $0.listRecords(fiscalYear: fiscalYear, json: json) }
        }
    }
}
