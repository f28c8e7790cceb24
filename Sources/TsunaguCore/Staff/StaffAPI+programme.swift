// The staff API's bodies for the programme's records and its report (`/api/v1/records…`, `/api/v1/stats/programme`).
// Dates are written YYYY-MM-DD (today when left out), months YYYY-MM. `POST /records/indicator` takes an
// ``OutcomeIndicator`` as it is.

extension StaffAPI {
    /// `POST /records/suits`.
    public struct SuitRequest: Sendable, Hashable, Codable {
        public var date: String?
        public var purpose: String
        public var listened: Bool?
        public var referral: String?

        public init(date: String? = nil, purpose: String, listened: Bool? = nil, referral: String? = nil) {
            (self.date, self.purpose, self.listened, self.referral) = (date, purpose, listened, referral)
        }
    }

    /// `POST /records/dropins`.
    public struct DropInRequest: Sendable, Hashable, Codable {
        public var date: String?
        public var place: String
        public var participants: Int
        public var consulted: Int?

        public init(date: String? = nil, place: String, participants: Int, consulted: Int? = nil) {
            (self.date, self.place, self.participants, self.consulted) = (date, place, participants, consulted)
        }
    }

    /// `POST /records/products`.
    public struct ProductsRequest: Sendable, Hashable, Codable {
        public var month: String?
        public var facility: String
        public var count: Int

        public init(month: String? = nil, facility: String, count: Int) { (self.month, self.facility, self.count) = (month, facility, count) }
    }

    /// `POST /records/events`; `countedIn` is `dropin` when the participants are already counted there (再掲).
    public struct EventRequest: Sendable, Hashable, Codable {
        public var date: String?
        public var name: String
        public var participants: Int
        public var countedIn: String?

        public init(date: String? = nil, name: String, participants: Int, countedIn: String? = nil) {
            (self.date, self.name, self.participants, self.countedIn) = (date, name, participants, countedIn)
        }
    }

    /// What recording or withdrawing answers (201): the entry's number, for withdrawing it.
    public struct RecordedEntry: Sendable, Hashable, Codable {
        public var number: Int64
        public var kind: String
        public var status: String

        public init(number: Int64, kind: String, status: String) { (self.number, self.kind, self.status) = (number, kind, status) }
    }

    /// `GET /records?fiscalYear=YYYY`: the year's entries, for finding one to withdraw.
    public struct ProgrammeEntries: Sendable, Hashable, Codable {
        public var entries: [Entry]

        public struct Entry: Sendable, Hashable, Codable {
            public var number: Int64
            public var kind: String
            public var date: String
            public var detail: String
            /// The number of the entry that withdrew it.
            public var withdrawnBy: Int64?

            public init(number: Int64, kind: String, date: String, detail: String, withdrawnBy: Int64?) {
                (self.number, self.kind, self.date, self.detail, self.withdrawnBy) = (number, kind, date, detail, withdrawnBy)
            }
        }

        public init(entries: [Entry]) { self.entries = entries }
    }
}
