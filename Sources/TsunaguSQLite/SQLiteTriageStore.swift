import Foundation
import GRDB
public import TsunaguCore

/// Triage on SQLite: conversations, cases, transcripts, and exactly-once processing of the inbox.
///
/// A batch of events is processed in one transaction (one sync for all of them), each event in its own
/// savepoint so that one event that cannot be processed does not hold back the others.
public struct SQLiteTriageStore: TriageStore {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    public func pendingEvents(limit: Int, excluding: Set<Pseudonym>) async throws -> [InboxEvent] {
        // The conversations to leave out travel as one JSON array, so the statement stays cached whatever their number.
        let excluded = String(decoding: try JSONEncoder().encode(excluding.map(\.rawValue)), as: UTF8.self)
        return try await database.writer.read { db in
            try Row.fetchAll(
                db,
                cached: """
                    SELECT event_id, event_type, occurred_at, received_at, source_kind, conversation, sealed_event
                    FROM inbox_event WHERE processed_at IS NULL
                      AND (conversation IS NULL OR conversation NOT IN (SELECT value FROM json_each(?)))
                    ORDER BY received_at, occurred_at, rowid LIMIT ?
                    """,
                arguments: [excluded, limit]
            ).map { row in
                InboxEvent(
                    eventID: row["event_id"], eventType: row["event_type"], occurredAt: row["occurred_at"],
                    receivedAt: row["received_at"], sourceKind: SourceKind(rawValue: row["source_kind"]) ?? .none,
                    conversation: (row["conversation"] as String?).map(Pseudonym.init(rawValue:)),
                    sealedEvent: (row["sealed_event"] as Data?).map { Array($0) } ?? [])
            }
        }
    }

    public func process(
        _ events: [InboxEvent], decide: @escaping @Sendable (InboxEvent, TriageSnapshot) throws -> TriageCommit
    ) async throws -> TriageBatchResult {
        try await database.writer.write { db in
            var result = TriageBatchResult(processed: 0, failed: [], enqueued: 0)
            for event in events {
                do {
                    guard let enqueued = try Self.processOne(event, decide: decide, scrub: database.requestScrub, in: db) else { continue }
                    result.processed += 1
                    result.enqueued += enqueued
                } catch {
                    result.failed.append(event.eventID)
                }
            }
            return result
        }
    }

    /// Processes events the caller has just stored, within its transaction (the ingress's group commit), so
    /// that one sync makes both the events and their decisions durable. An event whose chat still has an
    /// earlier event pending, or whose processing fails, is left pending for the ``TriageStore`` processor.
    /// Returns how many outbox entries were added.
    static func processJustStored(
        _ events: [InboxEvent], decide: (InboxEvent, TriageSnapshot) throws -> TriageCommit, scrub: @escaping @Sendable () -> Void,
        in db: Database
    ) -> Int {
        var enqueued = 0
        for event in events {
            do {
                if let conversation = event.conversation,
                    try Bool.fetchOne(
                        db,
                        cached: """
                            SELECT 1 FROM inbox_event WHERE conversation = ? AND processed_at IS NULL
                            AND rowid < (SELECT rowid FROM inbox_event WHERE event_id = ?) LIMIT 1
                            """,
                        arguments: [conversation.rawValue, event.eventID]) == true
                {
                    continue  // Her earlier event comes first.
                }
                enqueued += try processOne(event, decide: decide, scrub: scrub, in: db) ?? 0
            } catch {
                continue  // Left pending; the processor retries it and reports the failure.
            }
        }
        return enqueued
    }

    /// Processes one event in a savepoint; `nil` when it was already processed, else the outbox entries added.
    private static func processOne(
        _ event: InboxEvent, decide: (InboxEvent, TriageSnapshot) throws -> TriageCommit, scrub: @escaping @Sendable () -> Void,
        in db: Database
    ) throws -> Int? {
        guard
            try Bool.fetchOne(
                db, cached: "SELECT processed_at IS NULL FROM inbox_event WHERE event_id = ?", arguments: [event.eventID]) == true
        else { return nil }
        var enqueued = 0
        try db.inSavepoint {
            let commit = try decide(event, Self.snapshot(of: event.conversation, in: db))
            enqueued = try event.conversation.map { try Self.apply(commit, to: $0, scrub: scrub, in: db) } ?? 0
            // Processed: the sealed event (her words, her id) is no longer needed here.
            try db.execute(
                cached: "UPDATE inbox_event SET processed_at = ?, sealed_event = NULL WHERE event_id = ?",
                arguments: [try SQLiteDatabase.now(in: db), event.eventID])
            return .commit
        }
        return enqueued
    }

    public func destroyContent(ofCasesClosedBefore cutoff: Int64) async throws -> Int {
        let count = try await database.writer.write { db in
            let cases = try Row.fetchAll(db, statement: RetentionStatements.casesToShred(closedBefore: cutoff))
            for row in cases {
                let caseID: String = row["id"]
                try Self.shred(caseID: caseID, in: db)
                try Self.unlink(caseID: caseID, from: Pseudonym(rawValue: row["conversation"]), in: db)
            }
            return cases.count
        }
        if count > 0 { database.requestScrub() }
        return count
    }

    public func forgetProcessedEvents(before cutoff: Int64) async throws -> Int {
        let count = try await database.writer.write { db in try db.run(RetentionStatements.forgetProcessedEvents(before: cutoff)) }
        if count > 0 { database.requestScrub() }
        return count
    }

    public func forgetSeenEvents(before cutoff: Int64) async throws -> Int {
        try await database.writer.write { db in try db.run(RetentionStatements.forgetSeenEvents(before: cutoff)) }
    }

    public func forgetAddresses(unchangedSince cutoff: Int64) async throws -> Int {
        let count = try await database.writer.write { db in try db.run(RetentionStatements.forgetAddresses(unchangedSince: cutoff)) }
        if count > 0 { database.requestScrub() }
        return count
    }

    public func destroyHeldWords(heldBefore cutoff: Int64) async throws -> Int {
        try await database.writer.write { db in try db.run(RetentionStatements.destroyHeldWords(heldBefore: cutoff)) }
    }

    public func announcementRecipients() async throws -> [AnnouncementRecipient] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, cached: "SELECT pseudonym, sealed_address FROM conversation WHERE announcements = 1 AND sealed_address IS NOT NULL"
            ).map { row in
                AnnouncementRecipient(conversation: Pseudonym(rawValue: row[0]), sealedAddress: Array(row[1] as Data))
            }
        }
    }

    // MARK: Reading

    static func snapshot(of conversation: Pseudonym?, in db: Database) throws -> TriageSnapshot {
        // Unheld cases only: her place is behind those no counsellor has taken yet.
        let waiting = try SQLiteCaseStore.waitingCounts(now: nil, in: db)
        guard let conversation,
            let row = try Row.fetchOne(
                db, cached: "SELECT state, sealed_address FROM conversation WHERE pseudonym = ?", arguments: [conversation.rawValue])
        else {
            return TriageSnapshot(conversation: nil, sealedAddress: nil, wrappedCaseKey: nil, waiting: waiting)
        }
        let stored = try StoredConversation(json: row["state"])
        // Her current case's row: its record, its holder while the claim is live, and its key (one statement).
        let current = try stored.currentCaseID.flatMap { id in
            try Row.fetchOne(
                db,
                cached: """
                    SELECT \(recordColumns), counsellor, lease_until, wrapped_key, fingerprint FROM triage_case
                    LEFT JOIN case_key ON case_key.case_id = triage_case.id WHERE triage_case.id = ?
                    """,
                arguments: [id])
        }
        let holder = CaseConditions.liveHolder(current?["counsellor"], leaseUntil: current?["lease_until"], at: try SQLiteDatabase.now(in: db))
        let state = try stored.conversation(currentCase: current.map(record(from:)), holder: holder)
        let key = (current?["wrapped_key"] as Data?).map { Array($0) }
        let held = try Data.fetchOne(db, cached: "SELECT sealed_text FROM held_words WHERE pseudonym = ?", arguments: [conversation.rawValue])
        return TriageSnapshot(
            conversation: state, sealedAddress: (row["sealed_address"] as Data?).map { Array($0) },
            wrappedCaseKey: key, caseKeyFingerprint: key == nil ? nil : current?["fingerprint"], waiting: waiting,
            sealedHeldWords: held.map { Array($0) })
    }

    /// The columns of `triage_case` that make a ``CaseRecord`` (``record(from:)``): the record's only home.
    static let recordColumns = """
        triage_case.id, opened_at, topic, urgency, priority, emergency, concern, out_of_hours, queued_at, claimed_at, closed_at,
        outcome, referral, satisfaction
        """

    /// A case's anonymous record from its row (``recordColumns``).
    static func record(from row: Row) -> CaseRecord {
        var record = CaseRecord(id: row["id"], openedAt: row["opened_at"])
        (record.topic, record.urgency, record.priority) = (
            row["topic"], row["urgency"], (row["priority"] as String?).flatMap(Priority.init(rawValue:))
        )
        (record.emergency, record.concern, record.outOfHours) = (row["emergency"], row["concern"], row["out_of_hours"])
        (record.queuedAt, record.claimedAt, record.closedAt) = (row["queued_at"], row["claimed_at"], row["closed_at"])
        (record.outcome, record.referral, record.satisfaction) = (row["outcome"], row["referral"], row["satisfaction"])
        return record
    }

    // MARK: Writing

    /// Applies a commit to her conversation; returns how many outbox entries it added. What counsellors must
    /// hear of at once (a case queued, her message in a held case, an alert) goes to the staff feed with it.
    /// - Parameter scrub: called once the transaction has committed, when it destroyed something (to clear the log).
    static func apply(_ commit: TriageCommit, to pseudonym: Pseudonym, scrub: @escaping @Sendable () -> Void, in db: Database) throws -> Int {
        if let conversation = commit.conversation {
            // Her state without her case's record and holder: those are the case row's alone.
            let state = try conversation.storedState()
            try db.execute(
                cached: """
                    INSERT INTO conversation (pseudonym, state, sealed_address, updated_at, announcements) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (pseudonym) DO UPDATE SET state = excluded.state,
                        sealed_address = COALESCE(excluded.sealed_address, sealed_address), updated_at = excluded.updated_at,
                        announcements = excluded.announcements
                    """,
                arguments: [
                    pseudonym.rawValue, state, commit.sealedAddress.map { Data($0) }, try SQLiteDatabase.now(in: db),
                    conversation.receivesAnnouncements,
                ])
            if let record = conversation.currentCase { try save(record, of: pseudonym, in: db) }
        }
        if let key = commit.newCaseKey {
            try db.execute(
                cached: "INSERT OR REPLACE INTO case_key (case_id, wrapped_key, fingerprint) VALUES (?, ?, ?)",
                arguments: [key.caseID, Data(key.wrappedKey), key.fingerprint])
        }
        for caseID in commit.shreddedCases {
            try shred(caseID: caseID, in: db)
        }
        if let erasure = commit.erasure { try erase(pseudonym, erasure, in: db) }
        if commit.erasure != nil || !commit.shreddedCases.isEmpty { db.afterNextTransaction(onCommit: { _ in scrub() }) }
        for ref in commit.deletedMessageRefs {
            try db.execute(cached: "DELETE FROM case_message WHERE message_ref = ?", arguments: [ref])
        }
        for entry in commit.transcript {
            // A case whose content was destroyed keeps nothing new either.
            guard try Bool.fetchOne(db, cached: "SELECT 1 FROM case_key WHERE case_id = ?", arguments: [entry.caseID]) == true else { continue }
            try db.execute(
                cached: "INSERT INTO case_message (case_id, at, author, message_ref, sealed_text) VALUES (?, ?, ?, ?, ?)",
                arguments: [entry.caseID, entry.at, entry.author.rawValue, entry.messageRef, Data(entry.sealedText)])
            if let event = TriageFeed.event(forLine: entry) { try SQLiteCaseStore.record(event, in: db) }
        }
        switch commit.heldWords {
        case .hold(let sealed, let since):
            try db.execute(
                cached: """
                    INSERT INTO held_words (pseudonym, held_at, sealed_text) VALUES (?, ?, ?)
                    ON CONFLICT (pseudonym) DO UPDATE SET sealed_text = excluded.sealed_text
                    """,
                arguments: [pseudonym.rawValue, since, Data(sealed)])
        case .destroy:
            try db.execute(cached: "DELETE FROM held_words WHERE pseudonym = ?", arguments: [pseudonym.rawValue])
        case nil:
            break
        }
        if commit.withholdPending { _ = try SQLiteOutboxStore.withholdPending(for: pseudonym, in: db) }
        for alert in commit.alerts {
            try db.execute(
                cached: "INSERT INTO emergency_alert (case_id, category, raised_at) VALUES (?, ?, ?)",
                arguments: [alert.caseID, alert.category, try SQLiteDatabase.now(in: db)])
            try SQLiteCaseStore.record(TriageFeed.event(forAlert: alert), in: db)
        }
        return try SQLiteOutboxStore.insert(commit.outbox, in: db).count
    }

    /// Destroys a case's content (``ErasurePlan/shred(caseID:at:)``).
    static func shred(caseID: String, in db: Database) throws {
        for statement in ErasurePlan.shred(caseID: caseID, at: try SQLiteDatabase.now(in: db)) { try db.run(statement) }
    }

    /// A confirmed erasure (``Erasure``): the steps of ``ErasurePlan``, in this transaction.
    private static func erase(_ pseudonym: Pseudonym, _ erasure: Erasure, in db: Database) throws {
        for step in ErasurePlan.steps(erasing: pseudonym, erasure) {
            switch step {
            case .save(let record): try save(record, of: pseudonym, in: db)
            case .shredEach(let query): for caseID in try String.fetchAll(db, statement: query) { try shred(caseID: caseID, in: db) }
            case .withholdPendingSends: _ = try SQLiteOutboxStore.withholdPending(for: pseudonym, in: db)
            case .run(let statement): try db.run(statement)
            }
        }
    }

    /// Cuts a case past retention from her (``RetentionStatements/unlink(caseID:)``), and her state forgets it.
    static func unlink(caseID: String, from pseudonym: Pseudonym, in db: Database) throws {
        try db.run(RetentionStatements.unlink(caseID: caseID))
        guard let state = try String.fetchOne(db, cached: "SELECT state FROM conversation WHERE pseudonym = ?", arguments: [pseudonym.rawValue])
        else { return }
        guard let forgotten = try StoredConversation(json: state).forgetting(case: caseID) else { return }
        try db.execute(cached: "UPDATE conversation SET state = ? WHERE pseudonym = ?", arguments: [forgotten, pseudonym.rawValue])
    }

    private static func save(_ record: CaseRecord, of conversation: Pseudonym, in db: Database) throws {
        let stored = try Row.fetchOne(db, cached: "SELECT queued_at, closed_at FROM triage_case WHERE id = ?", arguments: [record.id])
        let exists = stored != nil
        let values: [(any DatabaseValueConvertible)?] = [
            record.topic, record.urgency, record.priority?.rawValue, record.emergency, record.concern, record.outOfHours, record.queuedAt,
            record.claimedAt, record.closedAt, record.outcome, record.referral, record.satisfaction,
        ]
        if exists {
            try db.execute(
                cached: """
                    UPDATE triage_case SET topic = ?, urgency = ?, priority = ?, emergency = ?, concern = ?, out_of_hours = ?,
                        queued_at = ?, claimed_at = ?, closed_at = ?, outcome = ?, referral = ?, satisfaction = ? WHERE id = ?
                    """,
                arguments: StatementArguments(values + [record.id]))
        } else {
            let handle = try CaseHandle.unused(in: db)
            try db.execute(
                cached: """
                    INSERT INTO triage_case (id, handle, conversation, opened_at, topic, urgency, priority, emergency, concern,
                        out_of_hours, queued_at, claimed_at, closed_at, outcome, referral, satisfaction)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: StatementArguments([record.id, handle, conversation.rawValue, record.openedAt] + values))
        }
        let moments = stored.map { TriageFeed.StoredMoments(queuedAt: $0["queued_at"], closedAt: $0["closed_at"]) }
        for event in TriageFeed.events(saving: record, over: moments) { try SQLiteCaseStore.record(event, in: db) }
    }

}
