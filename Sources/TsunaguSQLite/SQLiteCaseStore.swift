import Foundation
import GRDB
public import TsunaguCore

/// Cases as counsellors work them: the queue, claims with leases, transcripts, and the live feed.
///
/// Every action on a case runs in one write transaction: the case is read, the caller decides (the server's
/// case desk runs the triage engine and seals what is kept), and the new state, her messages, the holder,
/// the audit entry and the feed event commit together. SQLite has one writer, so two counsellors claiming
/// the same case are serialised: the second one sees the first one's claim.
public struct SQLiteCaseStore: CaseStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    // MARK: The queue

    /// Up to `limit` waiting cases in the order they should be taken: emergency first, then urgent, then the
    /// rest; within a priority the longest waiting first (so the out-of-hours backlog is served at shift
    /// start). A case whose claim has lapsed (`leaseUntil` before `now`) is waiting again.
    public func waiting(now: Int64, limit: Int = 100) async throws -> [QueueItem] {
        try await queue(now: now, limit: limit).items
    }

    /// How many cases wait, by priority (lapsed claims included).
    public func waitingCounts(now: Int64) async throws -> [Priority: Int] {
        try await queue(now: now, limit: 0).counts
    }

    /// The first `limit` waiting cases and how many wait by priority, read at one moment.
    public func queue(now: Int64, limit: Int = 100) async throws -> (items: [QueueItem], counts: [Priority: Int]) {
        try await database.writer.read { db in
            let counts = try Self.waitingCounts(now: now, in: db)
            var items: [QueueItem] = []
            // One indexed range per priority, so the cost follows `limit`, not the length of the queue.
            for priority in Priority.queueOrder where items.count < limit && counts[priority, default: 0] > 0 {
                items += try Row.fetchAll(
                    db,
                    statement: """
                        SELECT handle, priority, topic, urgency, emergency, out_of_hours, queued_at FROM triage_case
                        WHERE priority = \(priority.rawValue) AND \(CaseConditions.waiting(at: now))
                        ORDER BY \(sql: QueueOrder.withinPriority) LIMIT \(limit - items.count)
                        """
                ).map(Self.queueItem(from:))
            }
            return (items, counts)
        }
    }

    /// Waiting cases by priority: the unheld ones as the `queue_count` triggers keep them, plus the held ones
    /// whose claim has lapsed (at most a few per counsellor).
    static func waitingCounts(now: Int64?, in db: Database) throws -> [Priority: Int] {
        var counts: [Priority: Int] = [:]
        for row in try Row.fetchAll(db, cached: "SELECT priority, n FROM queue_count") {
            if let priority = Priority(rawValue: row["priority"]) { counts[priority, default: 0] += row["n"] }
        }
        guard let now else { return counts }
        for row in try Row.fetchAll(
            db,
            statement: """
                SELECT priority, COUNT(*) AS n FROM triage_case INDEXED BY triage_case_counsellor
                WHERE \(CaseConditions.lapsed(at: now)) GROUP BY priority
                """)
        {
            if let priority = Priority(rawValue: row["priority"] ?? "") { counts[priority, default: 0] += row["n"] }
        }
        return counts
    }

    /// The open cases `counsellor` holds, most urgent first (a lapsed claim stays the counsellor's until someone takes it).
    public func held(by counsellor: String) async throws -> [CaseSummary] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                statement: """
                    SELECT triage_case.*, conversation.state AS conversation_state FROM triage_case
                    LEFT JOIN conversation ON conversation.pseudonym = triage_case.conversation
                    WHERE \(CaseConditions.held(by: counsellor))
                    ORDER BY \(sql: QueueOrder.acrossPriorities)
                    """
            ).map(Self.summary(from:))
        }
    }

    // MARK: Acting on a case

    /// Runs `decide` on the case `selector` names, inside one write transaction, and commits what it returns.
    ///
    /// - Parameters:
    ///   - transcriptAfter: load the transcript lines after this id (0 for all); `nil` loads none.
    ///   - lease: how long a claim lasts from `now` without the holder acting on the case.
    ///   - cap: the most open cases one counsellor may hold at once.
    /// - Throws: ``CaseRefusal`` when the case does not exist, the queue is empty, or the new holder is not an
    ///   active counsellor or already holds `cap` cases; whatever `decide` throws. Nothing is changed then.
    public func act<Result: Sendable>(
        on selector: CaseSelector, by actor: String, now: Int64, lease: Int64, cap: Int, transcriptAfter: Int64? = nil,
        _ decide: @escaping @Sendable (CaseState) throws -> (CaseChange, Result)
    ) async throws -> Result {
        try await database.writer.write { db in
            let state = try Self.state(of: selector, now: now, transcriptAfter: transcriptAfter, in: db)
            let (change, result) = try decide(state)
            try execute(CasePlan(change, on: state, by: actor, now: now, lease: lease, cap: cap), for: state.pseudonym, in: db)
            return result
        }
    }

    /// Extends every open claim `counsellor` holds to `now + lease`, when one of them is due
    /// (``ClaimRenewal/dueBefore(now:lease:)``).
    ///
    /// The renewal is the statement PostgreSQL runs too (``CaseConditions/renewClaims(of:now:lease:)``). The read
    /// before it only spares the single writer: polls come every few seconds and are rarely due, so most end on a reader.
    public func renewClaims(of counsellor: String, now: Int64, lease: Int64) async throws {
        let lapsing = CaseConditions.lapsing(of: counsellor, before: ClaimRenewal.dueBefore(now: now, lease: lease))
        let due = try await database.writer.read { db in
            try Bool.fetchOne(db, statement: "SELECT 1 FROM triage_case WHERE \(lapsing) LIMIT 1") ?? false
        }
        guard due else { return }
        _ = try await database.writer.write { db in try db.run(CaseConditions.renewClaims(of: counsellor, now: now, lease: lease)) }
    }

    // MARK: The live feed

    /// Feed events after `cursor`, oldest first.
    public func events(after cursor: Int64, limit: Int) async throws -> [StaffEvent] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM staff_event WHERE id > ? ORDER BY id LIMIT ?", arguments: [cursor, limit]).map { row in
                StaffEvent(
                    id: row["id"], at: row["at"], kind: StaffEvent.Kind(rawValue: row["kind"]) ?? .queued, handle: row["handle"],
                    priority: Priority(rawValue: row["priority"] ?? ""), counsellor: row["counsellor"], detail: row["detail"])
            }
        }
    }

    /// Deletes feed events older than `cutoff` (milliseconds since the epoch): clients only ever ask for recent
    /// ones. Returns how many went.
    public func forgetEvents(before cutoff: Int64) async throws -> Int {
        try await database.writer.write { db in
            try db.execute(sql: "DELETE FROM staff_event WHERE at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }

    public func openCaseActivity() async throws -> [OpenCaseActivity] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.activityColumns) FROM triage_case WHERE closed_at IS NULL").map(Self.activity(from:))
        }
    }

    /// What ``OpenCaseActivity`` is read from, over `triage_case`: one list for every open case and for the case an
    /// action reads in its transaction (``CaseState/activity``).
    static let activityColumns = """
        handle, opened_at, queued_at, claimed_at, counsellor,
        (SELECT MAX(at) FROM case_message WHERE case_id = triage_case.id) AS last_line_at
        """

    static func activity(from row: Row) -> OpenCaseActivity {
        OpenCaseActivity(
            handle: row["handle"], openedAt: row["opened_at"], queuedAt: row["queued_at"], claimedAt: row["claimed_at"],
            counsellor: row["counsellor"], lastLineAt: row["last_line_at"])
    }

    /// The newest event's id: where a client that has seen nothing yet starts.
    public func latestEventID() async throws -> Int64 {
        try await database.writer.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM staff_event") ?? 0 }
    }

    // MARK: Reading

    private static func state(of selector: CaseSelector, now: Int64, transcriptAfter: Int64?, in db: Database) throws -> CaseState {
        let row: Row?
        let columns = "triage_case.*, conversation.state AS conversation_state, conversation.sealed_address"
        switch selector {
        case .handle(let handle):
            row = try Row.fetchOne(
                db,
                sql: """
                    SELECT \(columns) FROM triage_case LEFT JOIN conversation ON conversation.pseudonym = triage_case.conversation
                    WHERE handle = ?
                    """,
                arguments: [handle.uppercased()])
            guard row != nil else { throw CaseRefusal.notFound(handle: handle) }
        case .next:
            var next: Row?
            for priority in Priority.queueOrder where next == nil {
                // The first whose state can be read: a damaged one stays queued, for the operator to repair.
                let query: StoreStatement = """
                    SELECT \(sql: columns) FROM triage_case LEFT JOIN conversation ON conversation.pseudonym = triage_case.conversation
                    WHERE priority = \(priority.rawValue) AND \(CaseConditions.waiting(at: now))
                    ORDER BY \(sql: QueueOrder.withinPriority)
                    """
                let (sql, arguments) = query.sqlite  // A cursor, so not from the statement cache.
                let candidates = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while next == nil, let candidate = try candidates.next() {
                    if Conversation.isReadable(storedState: candidate["conversation_state"]) { next = candidate.copy() }
                }
            }
            guard next != nil else { throw CaseRefusal.queueEmpty }
            row = next
        }
        guard let row else { throw CaseRefusal.queueEmpty }
        let caseID: String = row["id"]
        var conversation: Conversation?
        if let json = row["conversation_state"] as String? {
            let stored = try StoredConversation(json: json)
            // Only her current case can be acted on: an older one is over. Its record and holder are this row's.
            if stored.currentCaseID == caseID {
                conversation = try stored.conversation(currentCase: SQLiteTriageStore.record(from: row), holder: row["counsellor"])
            }
        }
        let key = try Row.fetchOne(db, sql: "SELECT wrapped_key, fingerprint FROM case_key WHERE case_id = ?", arguments: [caseID])
        var transcript: [StoredLine] = []
        if let after = transcriptAfter {
            transcript = try Row.fetchAll(
                db, sql: "SELECT id, at, author, sealed_text FROM case_message WHERE case_id = ? AND id > ? ORDER BY id",
                arguments: [caseID, after]
            ).map { StoredLine(id: $0["id"], at: $0["at"], author: $0["author"], sealedText: Array($0["sealed_text"] as Data)) }
        }
        let activityRow = try Row.fetchOne(db, sql: "SELECT \(activityColumns) FROM triage_case WHERE id = ?", arguments: [caseID])
        guard let activity = activityRow.map(activity(from:)) else { throw CaseRefusal.queueEmpty }
        return CaseState(
            caseID: caseID, pseudonym: Pseudonym(rawValue: row["conversation"]), summary: summary(from: row), conversation: conversation,
            sealedAddress: (row["sealed_address"] as Data?).map { Array($0) },
            wrappedCaseKey: key.map { Array($0["wrapped_key"] as Data) }, caseKeyFingerprint: key?["fingerprint"], transcript: transcript,
            activity: activity)
    }

    private static func queueItem(from row: Row) -> QueueItem {
        QueueItem(
            handle: row["handle"], priority: Priority(rawValue: row["priority"] ?? "") ?? .normal, topic: row["topic"],
            urgency: row["urgency"], emergency: row["emergency"], outOfHours: row["out_of_hours"] ?? false,
            queuedAt: row["queued_at"])
    }

    private static func summary(from row: Row) -> CaseSummary {
        CaseSummary(
            handle: row["handle"], priority: Priority(rawValue: row["priority"] ?? "") ?? .normal, topic: row["topic"],
            urgency: row["urgency"], emergency: row["emergency"], outOfHours: row["out_of_hours"] ?? false,
            queuedAt: row["queued_at"], claimedAt: row["claimed_at"], counsellor: row["counsellor"], leaseUntil: row["lease_until"],
            closedAt: row["closed_at"], outcome: row["outcome"], referral: row["referral"],
            reachable: Conversation.isReachable(storedState: row["conversation_state"]))
    }

}
