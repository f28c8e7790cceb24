import Foundation
import TsunaguCore

/// A case's anonymous record as its `triage_case` row holds it: the record's only home (see
/// `Conversation+stored.swift`), read into her conversation whenever her state is read.
extension PostgresTriageStore {
    /// The record of the `triage_case` row named `table` in a query, built by PostgreSQL as JSON with ``CaseRecord``'s
    /// keys, so that a union of unlike parts (``PostgresTriageStatements/Snapshot``) can carry it in one text column.
    static func recordJSON(of table: String = "triage_case") -> String {
        let columns = [
            ("id", "id"), ("openedAt", "opened_at"), ("topic", "topic"), ("urgency", "urgency"), ("priority", "priority"),
            ("emergency", "emergency"), ("concern", "concern"), ("outOfHours", "out_of_hours"), ("queuedAt", "queued_at"),
            ("claimedAt", "claimed_at"), ("closedAt", "closed_at"), ("outcome", "outcome"), ("referral", "referral"),
            ("satisfaction", "satisfaction"),
        ]
        return "json_build_object(" + columns.map { "'\($0.0)', \(table).\($0.1)" }.joined(separator: ", ") + ")::text"
    }

    /// A record read through ``recordJSON(of:)``.
    static func record(fromJSON json: String) throws -> CaseRecord {
        try JSONDecoder().decode(CaseRecord.self, from: Data(json.utf8))
    }
}
