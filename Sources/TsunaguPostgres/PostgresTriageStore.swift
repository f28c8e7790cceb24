import Foundation
import Logging
import PostgresNIO
public import TsunaguCore

/// Triage on PostgreSQL: conversations, cases, transcripts, and exactly-once processing of the shared inbox by
/// any number of instances.
///
/// Each event is processed in a transaction of its own:
/// - it first takes a transaction-scoped advisory lock on her conversation, so that whatever else writes her
///   conversation waits (the case desk takes the same lock) and the commit, or PostgreSQL when an instance
///   dies, releases it. Triage only *tries* the lock: when another instance holds it, that instance is at work
///   on her conversation, and this one leaves her events of the batch to a later one rather than queue behind;
/// - it then locks the event's row and reads it again: if another instance processed it meanwhile, it is skipped;
/// - while an earlier event of hers is still pending (by `arrival`, a sequence across instances), it waits for a
///   later batch: her messages are answered in the order they came, whatever order callers pass them in.
///
/// A batch's conversations are processed `parallelism` at a time, each one's events in order: one transaction
/// costs several round trips and a commit's flush, and a single line of them would leave the database idle.
///
/// An event whose `decide` throws stays pending and does not hold back the rest of the batch.
public struct PostgresTriageStore: TriageStore {
    private let database: SharedDatabase
    private let parallelism: Int

    /// The advisory-lock namespace of conversations being processed (the second key is the pseudonym's hash).
    public static let conversationLockNamespace: Int32 = 0x7473_7532  // "tsu2"

    /// - Parameter parallelism: how many conversations one instance processes at once (each holds a connection).
    public init(database: SharedDatabase, parallelism: Int = 4) {
        self.database = database
        self.parallelism = max(1, parallelism)
    }

    public func pendingEvents(limit: Int) async throws -> [InboxEvent] {
        let rows = try await database.client.query(
            """
            SELECT event_id, event_type, occurred_at, received_at, source_kind, conversation, sealed_event
            FROM inbox_event WHERE processed_at IS NULL ORDER BY arrival LIMIT \(limit)
            """, logger: database.logger)
        var events: [InboxEvent] = []
        for try await (id, type, occurred, received, source, conversation, sealed) in rows.decode(
            (String, String, Int64, Int64, String, String?, Data?).self)
        {
            events.append(
                InboxEvent(
                    eventID: id, eventType: type, occurredAt: occurred, receivedAt: received,
                    sourceKind: SourceKind(rawValue: source) ?? .none, conversation: conversation.map(Pseudonym.init(rawValue:)),
                    sealedEvent: sealed.map { Array($0) } ?? []))
        }
        return events
    }

    public func process(
        _ events: [InboxEvent], decide: @escaping @Sendable (InboxEvent, TriageSnapshot) throws -> TriageCommit
    ) async throws -> TriageBatchResult {
        // Her events in the order given; events without a conversation each on their own.
        var order: [String] = []
        var byConversation: [String: [InboxEvent]] = [:]
        for event in events {
            let key = event.conversation?.rawValue ?? "event:" + event.eventID
            if byConversation[key] == nil { order.append(key) }
            byConversation[key, default: []].append(event)
        }
        return try await withThrowingTaskGroup(of: TriageBatchResult.self) { group in
            var result = TriageBatchResult(processed: 0, failed: [], enqueued: 0)
            var next = order.makeIterator()
            func startNext() {
                guard let key = next.next(), let events = byConversation[key] else { return }
                group.addTask { try await processConversation(events, decide: decide) }
            }
            for _ in 0..<parallelism { startNext() }
            while let done = try await group.next() {
                result.processed += done.processed
                result.enqueued += done.enqueued
                result.failed += done.failed
                startNext()
            }
            return result
        }
    }

    /// One conversation's events of a batch, in order, until one must wait (another instance holds her
    /// conversation, or an earlier event of hers is pending elsewhere).
    private func processConversation(
        _ events: [InboxEvent], decide: @escaping @Sendable (InboxEvent, TriageSnapshot) throws -> TriageCommit
    ) async throws -> TriageBatchResult {
        var result = TriageBatchResult(processed: 0, failed: [], enqueued: 0)
        for event in events {
            do {
                switch try await processOne(event, decide: decide, failedEarlier: Set(result.failed)) {
                case .processed(let enqueued):
                    result.processed += 1
                    result.enqueued += enqueued
                case .done:
                    continue
                case .wait:
                    return result
                }
            } catch is DecisionFailed {
                result.failed.append(event.eventID)
            }
        }
        return result
    }

    public func destroyContent(ofCasesClosedBefore cutoff: Int64) async throws -> Int {
        let logger = database.logger
        var cases: [(id: String, conversation: String)] = []
        for try await row in try await database.client.query(
            "SELECT id, conversation FROM triage_case WHERE closed_at < \(cutoff) AND content_destroyed_at IS NULL", logger: logger
        ).decode((String, String).self) {
            cases.append(row)
        }
        // One case at a time, each under her conversation's lock like every other writer of it.
        for (caseID, conversation) in cases {
            try await database.transaction { connection in
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(Self.conversationLockNamespace), hashtext(\(conversation)))", logger: logger)
                try await Self.shred(caseID: caseID, on: connection, logger: logger)
                try await Self.unlink(caseID: caseID, from: Pseudonym(rawValue: conversation), on: connection, logger: logger)
            }
        }
        return cases.count
    }

    public func forgetProcessedEvents(before cutoff: Int64) async throws -> Int {
        try await database.client.query(
            "DELETE FROM inbox_event WHERE processed_at < \(cutoff) RETURNING event_id", logger: database.logger
        ).collect().count
    }

    public func forgetSeenEvents(before cutoff: Int64) async throws -> Int {
        try await database.client.query(
            "DELETE FROM seen_event WHERE seen_at < \(cutoff) RETURNING seen_at", logger: database.logger
        ).collect().count
    }

    public func forgetAddresses(unchangedSince cutoff: Int64) async throws -> Int {
        // Without her conversation's lock: every commit of an event of hers seals her address again (the decider does
        // on every event), so an event processed meanwhile stores it whichever commits first; and what else reads it
        // (a counsellor's reply, an announcement) belongs to an open case or an opt-in, which this leaves alone.
        try await database.client.query(
            """
            UPDATE conversation SET sealed_address = NULL
            WHERE sealed_address IS NOT NULL AND updated_at < \(cutoff) AND NOT announcements
            AND NOT EXISTS (SELECT 1 FROM outbox_entry WHERE outbox_entry.conversation = pseudonym AND state = 'pending')
            AND NOT EXISTS (SELECT 1 FROM triage_case WHERE triage_case.conversation = pseudonym AND closed_at IS NULL)
            RETURNING pseudonym
            """, logger: database.logger
        ).collect().count
    }

    /// `decide` threw, or her stored state cannot be read: the event stays pending, as on SQLite. Any other error
    /// (the database) ends the batch.
    private struct DecisionFailed: Error {}

    /// Every handle tried was taken (not expected before billions of cases).
    private struct HandlesExhausted: Error {}

    /// What became of one event.
    private enum Outcome {
        /// Processed now; how many outbox entries it added.
        case processed(Int)
        /// Processed already (by another instance).
        case done
        /// Not now: her conversation is busy elsewhere, or an earlier event of hers is pending.
        case wait
    }

    /// Processes one event in its own transaction.
    private func processOne(
        _ event: InboxEvent, decide: @Sendable (InboxEvent, TriageSnapshot) throws -> TriageCommit, failedEarlier: Set<String>
    ) async throws -> Outcome {
        let logger = database.logger
        return try await database.transaction { connection in
            if let conversation = event.conversation {
                var locked = false
                for try await got in try await connection.query(
                    "SELECT pg_try_advisory_xact_lock(\(Self.conversationLockNamespace), hashtext(\(conversation.rawValue)))",
                    logger: logger
                ).decode(Bool.self) {
                    locked = got
                }
                guard locked else { return .wait }
            }
            var arrival: Int64?
            for try await value in try await connection.query(
                "SELECT arrival FROM inbox_event WHERE event_id = \(event.eventID) AND processed_at IS NULL FOR UPDATE", logger: logger
            ).decode(Int64.self) {
                arrival = value
            }
            guard let arrival else { return .done }
            if let conversation = event.conversation {
                // An earlier event of hers still pending goes first, unless this batch already failed it.
                for try await earlier in try await connection.query(
                    """
                    SELECT event_id FROM inbox_event
                    WHERE conversation = \(conversation.rawValue) AND processed_at IS NULL AND arrival < \(arrival)
                    """, logger: logger
                ).decode(String.self) where !failedEarlier.contains(earlier) {
                    return .wait
                }
            }
            let snapshot: TriageSnapshot
            do {
                snapshot = try await Self.snapshot(of: event.conversation, on: connection, logger: logger)
            } catch is DecodingError {
                throw DecisionFailed()  // Her stored state cannot be read: her event waits, the batch goes on (Conversation+stored).
            }
            let commit: TriageCommit
            do {
                commit = try decide(event, snapshot)
            } catch {
                throw DecisionFailed()
            }
            var enqueued = 0
            if let conversation = event.conversation {
                enqueued = try await Self.apply(commit, to: conversation, on: connection, logger: logger)
            }
            // Processed: the sealed event (her words, her id) is no longer needed here.
            try await connection.query(
                "UPDATE inbox_event SET processed_at = \(WallClock.milliseconds()), sealed_event = NULL WHERE event_id = \(event.eventID)",
                logger: logger)
            return .processed(enqueued)
        }
    }

    public func destroyHeldWords(heldBefore cutoff: Int64) async throws -> Int {
        try await database.client.query(
            "DELETE FROM held_words WHERE held_at < \(cutoff) RETURNING pseudonym", logger: database.logger
        ).collect().count
    }

    public func announcementRecipients() async throws -> [AnnouncementRecipient] {
        var recipients: [AnnouncementRecipient] = []
        for try await (pseudonym, address) in try await database.client.query(
            "SELECT pseudonym, sealed_address FROM conversation WHERE announcements AND sealed_address IS NOT NULL", logger: database.logger
        ).decode((String, Data).self) {
            recipients.append(AnnouncementRecipient(conversation: Pseudonym(rawValue: pseudonym), sealedAddress: Array(address)))
        }
        return recipients
    }

    // MARK: Reading

    static func snapshot(of conversation: Pseudonym?, on connection: PostgresConnection, logger: Logger) async throws -> TriageSnapshot {
        // Unheld cases only: her place is behind those no counsellor has taken yet.
        var waiting: [Priority: Int] = [:]
        for try await (priority, count) in try await connection.query(
            """
            SELECT priority, COUNT(*) FROM triage_case
            WHERE queued_at IS NOT NULL AND closed_at IS NULL AND counsellor IS NULL AND priority IS NOT NULL
            GROUP BY priority
            """, logger: logger
        ).decode((String, Int).self) {
            if let priority = Priority(rawValue: priority) { waiting[priority, default: 0] += count }
        }
        var stored: (state: String, address: Data?)?
        if let conversation {
            for try await row in try await connection.query(
                "SELECT state, sealed_address FROM conversation WHERE pseudonym = \(conversation.rawValue)", logger: logger
            ).decode((String, Data?).self) {
                stored = row
            }
        }
        guard let stored else { return TriageSnapshot(conversation: nil, sealedAddress: nil, wrappedCaseKey: nil, waiting: waiting) }
        let state = try Conversation.decodeStored(stored.state)
        var key: (wrapped: Data, fingerprint: String?)?
        if let record = state.currentCase {
            for try await row in try await connection.query(
                "SELECT wrapped_key, fingerprint FROM case_key WHERE case_id = \(record.id)", logger: logger
            ).decode((Data, String?).self) {
                key = row
            }
        }
        var held: Data?
        if let conversation {
            for try await row in try await connection.query(
                "SELECT sealed_text FROM held_words WHERE pseudonym = \(conversation.rawValue)", logger: logger
            ).decode(Data.self) {
                held = row
            }
        }
        return TriageSnapshot(
            conversation: state, sealedAddress: stored.address.map { Array($0) }, wrappedCaseKey: key.map { Array($0.wrapped) },
            caseKeyFingerprint: key?.fingerprint, waiting: waiting, sealedHeldWords: held.map { Array($0) })
    }

    // MARK: Writing

    /// Applies a commit to her conversation; returns how many outbox entries it added. What counsellors must hear
    /// of at once (a case queued, her message in a held case, an alert) goes to the staff feed with it.
    static func apply(_ commit: TriageCommit, to pseudonym: Pseudonym, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        if let conversation = commit.conversation {
            let state = String(decoding: try JSONEncoder().encode(conversation), as: UTF8.self)
            try await connection.query(
                """
                INSERT INTO conversation (pseudonym, state, sealed_address, updated_at, announcements)
                VALUES (\(pseudonym.rawValue), \(state), \(commit.sealedAddress.map { Data($0) }), \(WallClock.milliseconds()),
                    \(conversation.receivesAnnouncements))
                ON CONFLICT (pseudonym) DO UPDATE SET state = EXCLUDED.state,
                    sealed_address = COALESCE(EXCLUDED.sealed_address, conversation.sealed_address), updated_at = EXCLUDED.updated_at,
                    announcements = EXCLUDED.announcements
                """, logger: logger)
            if let record = conversation.currentCase { try await save(record, of: pseudonym, on: connection, logger: logger) }
        }
        if let key = commit.newCaseKey {
            try await connection.query(
                """
                INSERT INTO case_key (case_id, wrapped_key, fingerprint) VALUES (\(key.caseID), \(Data(key.wrappedKey)), \(key.fingerprint))
                ON CONFLICT (case_id) DO UPDATE SET wrapped_key = EXCLUDED.wrapped_key, fingerprint = EXCLUDED.fingerprint
                """, logger: logger)
        }
        for caseID in commit.shreddedCases { try await shred(caseID: caseID, on: connection, logger: logger) }
        if let erasure = commit.erasure { try await erase(pseudonym, erasure, on: connection, logger: logger) }
        for ref in commit.deletedMessageRefs {
            try await connection.query("DELETE FROM case_message WHERE message_ref = \(ref)", logger: logger)
        }
        for entry in commit.transcript {
            // A case whose content was destroyed keeps nothing new either.
            let stored = try await connection.query(
                """
                INSERT INTO case_message (case_id, at, author, message_ref, sealed_text)
                SELECT \(entry.caseID), \(entry.at), \(entry.author.rawValue), \(entry.messageRef), \(Data(entry.sealedText))
                WHERE EXISTS (SELECT 1 FROM case_key WHERE case_id = \(entry.caseID))
                RETURNING id
                """, logger: logger
            ).collect()
            if !stored.isEmpty && entry.author == .her {
                try await emit(.message, caseID: entry.caseID, onlyIfHeld: true, on: connection, logger: logger)
            }
        }
        switch commit.heldWords {
        case .hold(let sealed, let since):
            try await connection.query(
                """
                INSERT INTO held_words (pseudonym, held_at, sealed_text) VALUES (\(pseudonym.rawValue), \(since), \(Data(sealed)))
                ON CONFLICT (pseudonym) DO UPDATE SET sealed_text = EXCLUDED.sealed_text
                """, logger: logger)
        case .destroy:
            try await connection.query("DELETE FROM held_words WHERE pseudonym = \(pseudonym.rawValue)", logger: logger)
        case nil:
            break
        }
        if commit.withholdPending { _ = try await PostgresOutboxStore.withholdPending(for: pseudonym, on: connection, logger: logger) }
        for alert in commit.alerts {
            try await connection.query(
                "INSERT INTO emergency_alert (case_id, category, raised_at) VALUES (\(alert.caseID), \(alert.category), \(WallClock.milliseconds()))",
                logger: logger)
            try await emit(.alert, caseID: alert.caseID, detail: alert.category, on: connection, logger: logger)
        }
        return try await PostgresOutboxStore.insert(commit.outbox, on: connection, logger: logger).count
    }

    /// Destroys a case's content: its key and transcript go; its anonymous record stays.
    static func shred(caseID: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM case_key WHERE case_id = \(caseID)", logger: logger)
        try await connection.query("DELETE FROM case_message WHERE case_id = \(caseID)", logger: logger)
        try await connection.query(
            "UPDATE triage_case SET content_destroyed_at = COALESCE(content_destroyed_at, \(WallClock.milliseconds())) WHERE id = \(caseID)",
            logger: logger)
    }

    /// A confirmed erasure (``Erasure``): everything of hers goes, in this transaction.
    private static func erase(_ pseudonym: Pseudonym, _ erasure: Erasure, on connection: PostgresConnection, logger: Logger) async throws {
        if let closing = erasure.closing { try await save(closing, of: pseudonym, on: connection, logger: logger) }
        var cases: [String] = []
        for try await id in try await connection.query(
            "SELECT id FROM triage_case WHERE conversation = \(pseudonym.rawValue)", logger: logger
        ).decode(String.self) {
            cases.append(id)
        }
        for caseID in cases { try await shred(caseID: caseID, on: connection, logger: logger) }
        try await connection.query(
            "UPDATE triage_case SET conversation = \(erasure.personToken) WHERE conversation = \(pseudonym.rawValue)", logger: logger)
        _ = try await PostgresOutboxStore.withholdPending(for: pseudonym, on: connection, logger: logger)
        try await connection.query(
            "DELETE FROM outbox_entry WHERE conversation = \(pseudonym.rawValue) AND state <> 'pending'", logger: logger)
        try await connection.query(
            "UPDATE conversation SET sealed_address = NULL WHERE pseudonym = \(pseudonym.rawValue)", logger: logger)
        try await connection.query(
            "UPDATE inbox_event SET conversation = NULL WHERE conversation = \(pseudonym.rawValue) AND processed_at IS NOT NULL",
            logger: logger)
    }

    /// Cuts a case past retention from her: the case's `conversation` becomes its own id, and her state forgets it.
    static func unlink(caseID: String, from pseudonym: Pseudonym, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE triage_case SET conversation = id WHERE id = \(caseID)", logger: logger)
        var state: String?
        for try await stored in try await connection.query(
            "SELECT state FROM conversation WHERE pseudonym = \(pseudonym.rawValue) FOR UPDATE", logger: logger
        ).decode(String.self) {
            state = stored
        }
        guard let state else { return }
        let stored = try JSONDecoder().decode(Conversation.self, from: Data(state.utf8))
        let forgotten = stored.forgetting(case: caseID)
        guard forgotten != stored else { return }
        let encoded = String(decoding: try JSONEncoder().encode(forgotten), as: UTF8.self)
        try await connection.query(
            "UPDATE conversation SET state = \(encoded) WHERE pseudonym = \(pseudonym.rawValue)", logger: logger)
    }

    private static func save(_ record: CaseRecord, of conversation: Pseudonym, on connection: PostgresConnection, logger: Logger) async throws {
        var stored: (queuedAt: Int64?, closedAt: Int64?)?
        for try await row in try await connection.query(
            "SELECT queued_at, closed_at FROM triage_case WHERE id = \(record.id)", logger: logger
        ).decode((Int64?, Int64?).self) {
            stored = row
        }
        let joinsQueue = record.queuedAt != nil && stored?.queuedAt == nil && record.closedAt == nil
        let closes = stored != nil && record.closedAt != nil && stored?.closedAt == nil
        if stored != nil {
            try await connection.query(
                """
                UPDATE triage_case SET topic = \(record.topic), urgency = \(record.urgency), priority = \(record.priority?.rawValue),
                    emergency = \(record.emergency), out_of_hours = \(record.outOfHours), queued_at = \(record.queuedAt),
                    claimed_at = \(record.claimedAt), closed_at = \(record.closedAt), outcome = \(record.outcome),
                    referral = \(record.referral), satisfaction = \(record.satisfaction)
                WHERE id = \(record.id)
                """, logger: logger)
        } else {
            // Another instance may take the same random handle at the same moment: the unique index decides.
            var generator = SystemRandomNumberGenerator()
            var inserted = false
            for attempt in 0...CaseHandleGenerator.attempts where !inserted {
                let handle = CaseHandleGenerator.random(length: CaseHandleGenerator.length(ofAttempt: attempt), using: &generator)
                inserted = try await !connection.query(
                    """
                    INSERT INTO triage_case (id, handle, conversation, opened_at, topic, urgency, priority, emergency,
                        out_of_hours, queued_at, claimed_at, closed_at, outcome, referral, satisfaction)
                    VALUES (\(record.id), \(handle), \(conversation.rawValue), \(record.openedAt), \(record.topic), \(record.urgency),
                        \(record.priority?.rawValue), \(record.emergency), \(record.outOfHours), \(record.queuedAt),
                        \(record.claimedAt), \(record.closedAt), \(record.outcome), \(record.referral), \(record.satisfaction))
                    ON CONFLICT (handle) DO NOTHING
                    RETURNING id
                    """, logger: logger
                ).collect().isEmpty
            }
            guard inserted else { throw HandlesExhausted() }
        }
        if joinsQueue { try await emit(.queued, caseID: record.id, on: connection, logger: logger) }
        if closes { try await emit(.closed, caseID: record.id, on: connection, logger: logger) }
    }

    /// Adds an event to the counsellors' feed, in the transaction of what it reports. It has no feed id yet:
    /// ``PostgresCaseStore`` numbers events once they are committed.
    static func emit(
        _ kind: StaffEvent.Kind, caseID: String, detail: String? = nil, onlyIfHeld: Bool = false, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO staff_event (at, kind, handle, priority, counsellor, detail)
            SELECT \(WallClock.milliseconds()), \(kind.rawValue), handle, priority, counsellor, \(detail) FROM triage_case
            WHERE id = \(caseID) AND (counsellor IS NOT NULL OR NOT \(onlyIfHeld))
            """, logger: logger)
    }

}
