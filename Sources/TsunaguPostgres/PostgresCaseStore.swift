import Foundation
import Logging
import PostgresNIO
public import TsunaguCore

/// Cases as counsellors work them, on PostgreSQL, with counsellors connected to any instance (see ``CaseStore``).
///
/// An action takes the same advisory lock on her conversation as triage does, and takes it first, so a
/// counsellor's action and the processing of her message follow one another, in one lock order. Then it locks
/// the case's row and reads it again. Asking for the next case reads a candidate, locks, and checks that it is
/// still waiting; when another instance took it meanwhile, the transaction is rolled back and tried again with
/// the next candidate, so a transaction never holds two conversations' locks.
public struct PostgresCaseStore: CaseStore {
    let database: SharedDatabase

    /// The advisory-lock namespace of a counsellor's claims (the second key is a hash of the counsellor's name).
    static let counsellorLockNamespace: Int32 = 0x7473_7536  // "tsu6"

    public init(database: SharedDatabase) { self.database = database }

    // MARK: The queue

    public func queue(now: Int64, limit: Int) async throws -> (items: [QueueItem], counts: [Priority: Int]) {
        let logger = database.logger
        return try await database.transaction { connection in
            // One snapshot for the counts and the items (each statement would otherwise see its own).
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            var counts: [Priority: Int] = [:]
            for try await (priority, count) in try await connection.query(
                """
                SELECT priority, COUNT(*) FROM triage_case
                WHERE \(CaseConditions.waiting(at: now)) AND priority IS NOT NULL
                GROUP BY priority
                """, logger: logger
            ).decode((String, Int).self) {
                if let priority = Priority(rawValue: priority) { counts[priority] = count }
            }
            var items: [QueueItem] = []
            for priority in Priority.queueOrder where items.count < limit && counts[priority, default: 0] > 0 {
                for try await (handle, topic, urgency, emergency, outOfHours, queuedAt) in try await connection.query(
                    """
                    SELECT handle, topic, urgency, emergency, out_of_hours, queued_at FROM triage_case
                    WHERE priority = \(priority.rawValue) AND \(CaseConditions.waiting(at: now))
                    ORDER BY \(unescaped: QueueOrder.withinPriority) LIMIT \(limit - items.count)
                    """, logger: logger
                ).decode((String, String?, String?, String?, Bool?, Int64).self) {
                    items.append(
                        QueueItem(
                            handle: handle, priority: priority, topic: topic, urgency: urgency, emergency: emergency,
                            outOfHours: outOfHours ?? false, queuedAt: queuedAt))
                }
            }
            return (items, counts)
        }
    }

    public func held(by counsellor: String) async throws -> [CaseSummary] {
        let rows = try await database.client.query(
            """
            SELECT \(unescaped: Self.caseColumns) FROM triage_case c LEFT JOIN conversation v ON v.pseudonym = c.conversation
            WHERE \(CaseConditions.held(by: counsellor))
            ORDER BY \(unescaped: QueueOrder.acrossPriorities)
            """, logger: database.logger)
        var summaries: [CaseSummary] = []
        for try await row in rows { summaries.append(try Self.stored(from: row).summary) }
        return summaries
    }

    // MARK: Acting on a case

    /// Another instance took the candidate for the next case between reading and locking it.
    private struct CandidateTaken: Error {}

    /// The candidate for the next case has a stored state that cannot be read (``Conversation/isReadable(storedState:)``).
    private struct CandidateUnreadable: Error {
        var caseID: String
    }

    public func act<Result: Sendable>(
        on selector: CaseSelector, by actor: String, now: Int64, lease: Int64, cap: Int, transcriptAfter: Int64?,
        _ decide: @escaping @Sendable (CaseState) throws -> (CaseChange, Result)
    ) async throws -> Result {
        var unreadable: [String] = []
        for _ in 0..<16 {
            do {
                return try await attempt(
                    on: selector, by: actor, now: now, lease: lease, cap: cap, transcriptAfter: transcriptAfter, passing: unreadable, decide)
            } catch is CandidateTaken {
                continue
            } catch let candidate as CandidateUnreadable {
                unreadable.append(candidate.caseID)  // Stays queued for the operator to repair; the next one is taken.
            }
        }
        throw CaseRefusal.queueEmpty  // Sixteen cases taken under our hands in a row: as good as empty.
    }

    /// One try at `act`; a `.next` selector passes over the cases in `unreadable`.
    private func attempt<Result: Sendable>(
        on selector: CaseSelector, by actor: String, now: Int64, lease: Int64, cap: Int, transcriptAfter: Int64?, passing unreadable: [String],
        _ decide: @escaping @Sendable (CaseState) throws -> (CaseChange, Result)
    ) async throws -> Result {
        let logger = database.logger
        return try await database.transaction { connection in
            let (caseID, pseudonym) = try await Self.candidate(for: selector, now: now, passing: unreadable, on: connection, logger: logger)
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(PostgresTriageStore.conversationLockNamespace), hashtext(\(pseudonym)))",
                logger: logger)
            let state: CaseState
            do {
                state = try await Self.state(of: caseID, transcriptAfter: transcriptAfter, on: connection, logger: logger)
            } catch is DecodingError where selector == .next {
                throw CandidateUnreadable(caseID: caseID)
            }
            if case .next = selector, !state.summary.isWaiting(at: now) { throw CandidateTaken() }
            let (change, result) = try decide(state)
            try await execute(CasePlan(change, on: state, by: actor, now: now, lease: lease, cap: cap), for: state.pseudonym, on: connection)
            return result
        }
    }

    public func renewClaims(of counsellor: String, now: Int64, lease: Int64) async throws {
        try await database.client.query(PostgresQuery(CaseConditions.renewClaims(of: counsellor, now: now, lease: lease)), logger: database.logger)
    }

    // MARK: The live feed

    /// The advisory-lock key of numbering the feed.
    static let feedLock: Int64 = 0x7473_7537_0000_0001  // "tsu7"

    /// Gives committed events without a feed id the next ids, all in one transaction, one numbering at a time.
    ///
    /// Why after commit: a reader that has seen "up to N" must never later find an event below N. Ids drawn by
    /// writers would become visible in commit order, not id order; ids given here become visible together, and
    /// each numbering's ids are above every earlier numbering's. Readers number before they read, so an event
    /// appears at the next read after its commit.
    func numberNewEvents() async throws {
        let logger = database.logger
        let unnumbered = try await database.client.query(
            "SELECT 1 FROM staff_event WHERE feed_id IS NULL LIMIT 1", logger: logger
        ).collect()
        guard !unnumbered.isEmpty else { return }
        try await database.transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.feedLock))", logger: logger)
            // A statement of its own, so that it sees what an earlier numbering committed while this one waited.
            try await connection.query(
                """
                UPDATE staff_event s SET feed_id = n.feed_id
                FROM (SELECT id, nextval('staff_feed_id') AS feed_id
                      FROM (SELECT id FROM staff_event WHERE feed_id IS NULL ORDER BY id) AS unnumbered) AS n
                WHERE s.id = n.id
                """, logger: logger)
        }
    }

    public func events(after cursor: Int64, limit: Int) async throws -> [StaffEvent] {
        try await numberNewEvents()
        let rows = try await database.client.query(
            """
            SELECT feed_id, at, kind, handle, priority, counsellor, detail FROM staff_event
            WHERE feed_id > \(cursor) ORDER BY feed_id LIMIT \(limit)
            """, logger: database.logger)
        var events: [StaffEvent] = []
        for try await (id, at, kind, handle, priority, counsellor, detail) in rows.decode(
            (Int64, Int64, String, String, String?, String?, String?).self)
        {
            events.append(
                StaffEvent(
                    id: id, at: at, kind: StaffEvent.Kind(rawValue: kind) ?? .queued, handle: handle,
                    priority: priority.flatMap(Priority.init(rawValue:)), counsellor: counsellor, detail: detail))
        }
        return events
    }

    public func forgetEvents(before cutoff: Int64) async throws -> Int {
        try await database.client.query("DELETE FROM staff_event WHERE at < \(cutoff) RETURNING id", logger: database.logger)
            .collect().count
    }

    public func openCaseActivity() async throws -> [OpenCaseActivity] {
        try await Self.activities(
            try await database.client.query(
                "SELECT \(unescaped: Self.activityColumns) FROM triage_case WHERE closed_at IS NULL", logger: database.logger))
    }

    /// What ``OpenCaseActivity`` is read from, over `triage_case`: one list for every open case and for the case an
    /// action reads, under her conversation's lock, in its transaction (``CaseState/activity``).
    static let activityColumns = """
        handle, opened_at, queued_at, claimed_at, counsellor, (SELECT MAX(at) FROM case_message WHERE case_id = triage_case.id)
        """

    private static func activities(_ rows: PostgresRowSequence) async throws -> [OpenCaseActivity] {
        var cases: [OpenCaseActivity] = []
        for try await (handle, opened, queued, claimed, counsellor, lastLine) in rows.decode(
            (String, Int64, Int64?, Int64?, String?, Int64?).self)
        {
            cases.append(
                OpenCaseActivity(
                    handle: handle, openedAt: opened, queuedAt: queued, claimedAt: claimed, counsellor: counsellor, lastLineAt: lastLine))
        }
        return cases
    }

    public func latestEventID() async throws -> Int64 {
        try await numberNewEvents()
        for try await id in try await database.client.query(
            "SELECT COALESCE(MAX(feed_id), 0) FROM staff_event", logger: database.logger
        ).decode(Int64.self) {
            return id
        }
        return 0
    }

    // MARK: Reading

    /// The case an action is for, read without a lock: its id and her conversation.
    private static func candidate(
        for selector: CaseSelector, now: Int64, passing unreadable: [String], on connection: PostgresConnection, logger: Logger
    ) async throws -> (caseID: String, pseudonym: String) {
        switch selector {
        case .handle(let handle):
            for try await row in try await connection.query(
                "SELECT id, conversation FROM triage_case WHERE handle = \(handle.uppercased())", logger: logger
            ).decode((String, String).self) {
                return row
            }
            throw CaseRefusal.notFound(handle: handle)
        case .next:
            for priority in Priority.queueOrder {
                for try await row in try await connection.query(
                    """
                    SELECT id, conversation FROM triage_case
                    WHERE priority = \(priority.rawValue) AND \(CaseConditions.waiting(at: now)) AND NOT (id = ANY(\(unreadable)))
                    ORDER BY \(unescaped: QueueOrder.withinPriority) LIMIT 1
                    """, logger: logger
                ).decode((String, String).self) {
                    return row
                }
            }
            throw CaseRefusal.queueEmpty
        }
    }

    private static let caseColumns = """
        c.id, c.handle, c.conversation, c.priority, c.topic, c.urgency, c.emergency, c.out_of_hours, c.queued_at,
        c.claimed_at, c.counsellor, c.lease_until, c.closed_at, c.outcome, c.referral, v.state, v.sealed_address,
        \(PostgresTriageStore.recordJSON(of: "c"))
        """

    private struct StoredCase {
        var caseID: String
        var pseudonym: String
        var summary: CaseSummary
        /// Her conversation's state as stored; decoded only to act on the case (``StoredConversation/init(json:)``).
        var state: String?
        var sealedAddress: [UInt8]?
        /// The case's record (``PostgresTriageStore/recordJSON(of:)``).
        var record: String

        /// Her state when this case is her current one (only that one can be acted on: an older one is over), with
        /// this row's record and holder (Conversation+stored).
        func conversation() throws -> Conversation? {
            guard let state else { return nil }
            let stored = try StoredConversation(json: state)
            guard stored.currentCaseID == caseID else { return nil }
            return try stored.conversation(currentCase: try PostgresTriageStore.record(fromJSON: record), holder: summary.counsellor)
        }
    }

    private static func stored(from row: PostgresRow) throws -> StoredCase {
        let (
            id, handle, pseudonym, priority, topic, urgency, emergency, outOfHours, queued, claimed, counsellor, leaseUntil, closed,
            outcome, referral, state, address, record
        ) = try row.decode(
            (
                String, String, String, String?, String?, String?, String?, Bool?, Int64?, Int64?, String?, Int64?, Int64?, String?,
                String?, String?, Data?, String
            ).self)
        let summary = CaseSummary(
            handle: handle, priority: priority.flatMap(Priority.init(rawValue:)) ?? .normal, topic: topic, urgency: urgency,
            emergency: emergency, outOfHours: outOfHours ?? false, queuedAt: queued, claimedAt: claimed, counsellor: counsellor,
            leaseUntil: leaseUntil, closedAt: closed, outcome: outcome, referral: referral,
            reachable: Conversation.isReachable(storedState: state))
        return StoredCase(
            caseID: id, pseudonym: pseudonym, summary: summary, state: state, sealedAddress: address.map { Array($0) }, record: record)
    }

    /// The case as it is now, its row locked for the rest of the transaction.
    private static func state(
        of caseID: String, transcriptAfter: Int64?, on connection: PostgresConnection, logger: Logger
    ) async throws -> CaseState {
        var found: StoredCase?
        for try await row in try await connection.query(
            """
            SELECT \(unescaped: caseColumns) FROM triage_case c LEFT JOIN conversation v ON v.pseudonym = c.conversation
            WHERE c.id = \(caseID) FOR UPDATE OF c
            """, logger: logger)
        {
            found = try stored(from: row)
        }
        guard let found else { throw CaseRefusal.queueEmpty }
        var key: (wrapped: Data, fingerprint: String?)?
        for try await row in try await connection.query(
            "SELECT wrapped_key, fingerprint FROM case_key WHERE case_id = \(caseID)", logger: logger
        ).decode((Data, String?).self) {
            key = row
        }
        var transcript: [StoredLine] = []
        if let after = transcriptAfter {
            for try await (id, at, author, text) in try await connection.query(
                "SELECT id, at, author, sealed_text FROM case_message WHERE case_id = \(caseID) AND id > \(after) ORDER BY id",
                logger: logger
            ).decode((Int64, Int64, String, Data).self) {
                transcript.append(StoredLine(id: id, at: at, author: author, sealedText: Array(text)))
            }
        }
        let activity = try await activities(
            try await connection.query("SELECT \(unescaped: activityColumns) FROM triage_case WHERE id = \(caseID)", logger: logger))
        guard let activity = activity.first else { throw CaseRefusal.queueEmpty }
        return CaseState(
            caseID: caseID, pseudonym: Pseudonym(rawValue: found.pseudonym), summary: found.summary, conversation: try found.conversation(),
            sealedAddress: found.sealedAddress, wrappedCaseKey: key.map { Array($0.wrapped) }, caseKeyFingerprint: key?.fingerprint,
            transcript: transcript, activity: activity)
    }
}
