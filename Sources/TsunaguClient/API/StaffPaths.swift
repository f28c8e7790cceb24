/// Every staff API route the CLI calls, written once: commands name a route here, never a path by hand.
/// (`docs/staff-api.md` describes each; handles are checked by ``validHandle(_:)`` before they reach a path.)
enum StaffPaths {
    static let me = "/api/v1/me"
    static let mine = "/api/v1/mine"
    static let claim = "/api/v1/queue/claim"
    static let canned = "/api/v1/canned"
    static let choices = "/api/v1/choices"
    static let handover = "/api/v1/handover"

    static func queue(limit: Int) -> String { "/api/v1/queue?limit=\(limit)" }

    /// The live feed: from now (no cursor), or a long-poll for what follows `after`.
    static func feed(after cursor: Int64? = nil, waitSeconds: Int = 25) -> String {
        cursor.map { "/api/v1/events?after=\($0)&wait=\(waitSeconds)" } ?? "/api/v1/events"
    }

    /// A case and its transcript: all of it, or the lines after `after`.
    static func caseDetail(_ handle: String, after line: Int64? = nil) -> String {
        "/api/v1/cases/\(handle)" + (line.map { "?after=\($0)" } ?? "")
    }

    static func reply(_ handle: String) -> String { "/api/v1/cases/\(handle)/reply" }
    static func notes(_ handle: String) -> String { "/api/v1/cases/\(handle)/notes" }
    static func transfer(_ handle: String) -> String { "/api/v1/cases/\(handle)/transfer" }
    static func release(_ handle: String) -> String { "/api/v1/cases/\(handle)/release" }
    static func close(_ handle: String) -> String { "/api/v1/cases/\(handle)/close" }

    /// The statistics for `from`…`to` (`YYYY-MM-DD`), or this month when both are left out.
    static func statistics(from: String?, to: String?) -> String {
        let query = [("from", from), ("to", to)].compactMap { name, value in value.map { "\(name)=\($0)" } }.joined(separator: "&")
        return "/api/v1/stats" + (query.isEmpty ? "" : "?" + query)
    }

    static let consultations = "/api/v1/consultations"
    static let suits = "/api/v1/records/suits"
    static let dropIns = "/api/v1/records/dropins"
    static let products = "/api/v1/records/products"
    static let events = "/api/v1/records/events"
    static let indicator = "/api/v1/records/indicator"
    static func withdraw(_ number: Int64) -> String { "/api/v1/records/\(number)/withdraw" }
    static func records(fiscalYear: Int?) -> String { "/api/v1/records" + (fiscalYear.map { "?fiscalYear=\($0)" } ?? "") }
    static func programme(fiscalYear: Int) -> String { "/api/v1/stats/programme?fiscalYear=\(fiscalYear)" }
}
