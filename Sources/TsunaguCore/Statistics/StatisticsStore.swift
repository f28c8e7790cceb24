/// The anonymous records statistics are computed from: never a transcript, never a LINE id (the keyed pseudonym
/// only tells people apart and goes no further than ``CaseFacts``).
///
/// The contract every backend keeps (`StatisticsStoreContract`): a logged consultation is a fact of its time,
/// with its audit entry; a case's facts are its triage record, with when her first case ever was opened.
public protocol StatisticsStore: Sendable {
    /// Logs a phone or in-person consultation (no personal data), with its audit entry.
    func record(_ consultation: CaseFacts, by actor: String) async throws
    /// The cases opened in `range` (milliseconds since the epoch), each with when its person was first seen, and
    /// the consultations logged for that time.
    func facts(openedIn range: Range<Int64>) async throws -> [CaseFacts]
    /// Appends a programme entry (a withdrawal too) with its audit entry; returns its number. Entries are never
    /// changed or deleted.
    func append(_ record: ProgrammeRecord, at now: Int64, by actor: String) async throws -> Int64
    /// The entries dated in `period`, withdrawals included, in the order they were made.
    func programmeRecords(datedIn period: StatisticsPeriod) async throws -> [NumberedProgrammeRecord]
    /// Entry `number`, or `nil`.
    func programmeRecord(number: Int64) async throws -> NumberedProgrammeRecord?
}
