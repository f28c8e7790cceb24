import Foundation
import Logging
import PostgresNIO
public import TsunaguCore

/// Triage on PostgreSQL: conversations, cases, transcripts, and exactly-once processing of the shared inbox by
/// any number of instances.
///
/// Several conversations' events are processed in one transaction (``processTogether(_:decide:)``): a commit
/// costs a round trip and a flush of PostgreSQL's log, which one answer each made the largest share of the
/// work. For each conversation in it:
/// - it first takes a transaction-scoped advisory lock on her conversation, so that whatever else writes her
///   conversation waits (the case desk takes the same lock) and the commit, or PostgreSQL when an instance
///   dies, releases it. Triage only *tries* the lock: when another instance holds it, that instance is at work
///   on her conversation, and this one leaves her events of the batch to a later one rather than queue behind;
/// - it then locks the event's row and reads it again: if another instance processed it meanwhile, it is skipped;
/// - while an earlier event of hers is still pending (by `arrival`, a sequence across instances), it waits for a
///   later batch: her messages are answered in the order they came, whatever order callers pass them in.
///
/// A batch's transactions run `parallelism` at a time, each one's conversations in turn and each conversation's
/// events in order.
///
/// An event whose `decide` throws stays pending and does not hold back the rest of the batch.
public struct PostgresTriageStore: TriageStore {
    let database: SharedDatabase
    private let parallelism: Int
    private let conversationsPerTransaction: Int

    /// The advisory-lock namespace of conversations being processed (the second key is the pseudonym's hash).
    public static let conversationLockNamespace: Int32 = 0x7473_7532  // "tsu2"

    /// - Parameters:
    ///   - parallelism: how many transactions one instance runs at once (each holds a connection).
    ///   - conversationsPerTransaction: the most conversations one transaction answers. More saves commits; each
    ///     holds her conversation's lock (and a counsellor's action on her waits) until the whole transaction ends.
    public init(database: SharedDatabase, parallelism: Int = 4, conversationsPerTransaction: Int = 16) {
        self.database = database
        self.parallelism = max(1, parallelism)
        self.conversationsPerTransaction = max(1, conversationsPerTransaction)
    }

    public func pendingEvents(limit: Int, excluding: Set<Pseudonym>) async throws -> [InboxEvent] {
        let excluded = excluding.map(\.rawValue)
        let rows = try await database.client.query(
            """
            SELECT event_id, event_type, occurred_at, received_at, source_kind, conversation, sealed_event
            FROM inbox_event WHERE processed_at IS NULL AND (conversation IS NULL OR NOT (conversation = ANY(\(excluded))))
            ORDER BY arrival LIMIT \(limit)
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
        var byConversation: [String: [InboxEvent]] = [:]
        for event in events {
            byConversation[event.conversation?.rawValue ?? "event:" + event.eventID, default: []].append(event)
        }
        // Conversations in one order for every transaction (their locks are only tried, so the order is not what
        // prevents a deadlock; it keeps batches alike).
        let conversations = byConversation.keys.sorted().map { byConversation[$0]! }
        // Enough transactions to keep `parallelism` connections busy, each as large as that allows up to the cap.
        let size = min(conversationsPerTransaction, max(1, (conversations.count + parallelism - 1) / parallelism))
        let chunks = stride(from: 0, to: conversations.count, by: size).map {
            Array(conversations[$0..<min($0 + size, conversations.count)])
        }
        return try await withThrowingTaskGroup(of: TriageBatchResult.self) { group in
            var result = TriageBatchResult(processed: 0, failed: [], enqueued: 0)
            var next = chunks.makeIterator()
            func startNext() {
                guard let chunk = next.next() else { return }
                group.addTask { try await processTogether(chunk, decide: decide) }
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

    public func destroyContent(ofCasesClosedBefore cutoff: Int64) async throws -> Int {
        let logger = database.logger
        var cases: [(id: String, conversation: String)] = []
        for try await row in try await database.client.query(
            PostgresQuery(RetentionStatements.casesToShred(closedBefore: cutoff)), logger: logger
        ).decode((String, String).self) {
            cases.append(row)
        }
        // One case at a time, each under her conversation's lock like every other writer of it.
        for (caseID, conversation) in cases {
            try await database.transaction { connection in
                let moment = database.clock.now()
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(Self.conversationLockNamespace), hashtext(\(conversation)))", logger: logger)
                try await Self.shred(caseID: caseID, at: moment, on: connection, logger: logger)
                try await Self.unlink(caseID: caseID, from: Pseudonym(rawValue: conversation), on: connection, logger: logger)
            }
        }
        return cases.count
    }

    public func forgetProcessedEvents(before cutoff: Int64) async throws -> Int {
        try await database.rowsChanged(by: RetentionStatements.forgetProcessedEvents(before: cutoff))
    }

    public func forgetSeenEvents(before cutoff: Int64) async throws -> Int {
        try await database.rowsChanged(by: RetentionStatements.forgetSeenEvents(before: cutoff))
    }

    public func forgetAddresses(unchangedSince cutoff: Int64) async throws -> Int {
        // Without her conversation's lock: every commit of an event of hers seals her address again (the decider does
        // on every event), so an event processed meanwhile stores it whichever commits first; and what else reads it
        // (a counsellor's reply, an announcement) belongs to an open case or an opt-in, which this leaves alone.
        try await database.rowsChanged(by: RetentionStatements.forgetAddresses(unchangedSince: cutoff))
    }

    /// Every handle tried was taken (not expected before billions of cases).
    private struct HandlesExhausted: Error {}

    public func destroyHeldWords(heldBefore cutoff: Int64) async throws -> Int {
        try await database.rowsChanged(by: RetentionStatements.destroyHeldWords(heldBefore: cutoff))
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

    // MARK: Writing

    /// Applies a commit to her conversation; returns how many outbox entries it added. What counsellors must hear
    /// of at once (a case queued, her message in a held case, an alert) goes to the staff feed with it.
    /// - Parameters:
    ///   - moment: what rows written here are stamped with (the database's clock, read once per transaction).
    ///   - numberingLocked: the caller holds her outbox numbering lock already
    ///     (``PostgresOutboxStore/insert(_:on:logger:numberingLocked:)``).
    static func apply(
        _ commit: TriageCommit, to pseudonym: Pseudonym, at moment: Int64, on connection: PostgresConnection, logger: Logger,
        numberingLocked: Bool = false
    ) async throws -> Int {
        if let conversation = commit.conversation {
            // Her state without her case's record and holder: those are the case row's alone.
            let state = try conversation.storedState()
            try await connection.run(
                PostgresTriageStatements.SaveConversation(
                    conversation: pseudonym.rawValue, state: state, sealedAddress: commit.sealedAddress.map { Data($0) },
                    updatedAt: moment, announcements: conversation.receivesAnnouncements),
                logger: logger)
            if let record = conversation.currentCase { try await save(record, of: pseudonym, at: moment, on: connection, logger: logger) }
        }
        if let key = commit.newCaseKey {
            try await connection.query(
                """
                INSERT INTO case_key (case_id, wrapped_key, fingerprint) VALUES (\(key.caseID), \(Data(key.wrappedKey)), \(key.fingerprint))
                ON CONFLICT (case_id) DO UPDATE SET wrapped_key = EXCLUDED.wrapped_key, fingerprint = EXCLUDED.fingerprint
                """, logger: logger)
        }
        for caseID in commit.shreddedCases { try await shred(caseID: caseID, at: moment, on: connection, logger: logger) }
        if let erasure = commit.erasure { try await erase(pseudonym, erasure, at: moment, on: connection, logger: logger) }
        for ref in commit.deletedMessageRefs {
            try await connection.query("DELETE FROM case_message WHERE message_ref = \(ref)", logger: logger)
        }
        for entry in commit.transcript {
            // A case whose content was destroyed keeps nothing new either. The event the line raises, if any
            // (TriageFeed), is recorded once the line is stored, in the same statement (`recording` ends in its WHERE).
            let stored: StoreStatement = """
                WITH stored AS (
                    INSERT INTO case_message (case_id, at, author, message_ref, sealed_text)
                    SELECT \(entry.caseID), \(entry.at), \(entry.author.rawValue), \(entry.messageRef), \(entry.sealedText)
                    WHERE EXISTS (SELECT 1 FROM case_key WHERE case_id = \(entry.caseID))
                    RETURNING id)
                """
            let query: StoreStatement =
                if let event = TriageFeed.event(forLine: entry) {
                    "\(stored) \(event.recording(at: moment)) AND EXISTS (SELECT 1 FROM stored)"
                } else {
                    "\(stored) SELECT 1"
                }
            try await connection.query(PostgresQuery(query), logger: logger)
        }
        switch commit.heldWords {
        case .hold(let sealed, let since):
            try await connection.run(
                PostgresTriageStatements.HoldWords(conversation: pseudonym.rawValue, since: since, sealed: Data(sealed)), logger: logger)
        case .destroy:
            try await connection.query("DELETE FROM held_words WHERE pseudonym = \(pseudonym.rawValue)", logger: logger)
        case nil:
            break
        }
        if commit.withholdPending { _ = try await PostgresOutboxStore.withholdPending(for: pseudonym, on: connection, logger: logger) }
        for alert in commit.alerts {
            try await connection.query(
                "INSERT INTO emergency_alert (case_id, category, raised_at) VALUES (\(alert.caseID), \(alert.category), \(moment))",
                logger: logger)
            try await PostgresCaseStore.record(TriageFeed.event(forAlert: alert), at: moment, on: connection, logger: logger)
        }
        return try await PostgresOutboxStore.insert(
            commit.outbox, on: connection, logger: logger, numberingLocked: numberingLocked ? pseudonym : nil
        ).count
    }

    /// Destroys a case's content (``ErasurePlan/shred(caseID:at:)``).
    static func shred(caseID: String, at moment: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        for statement in ErasurePlan.shred(caseID: caseID, at: moment) { try await connection.query(PostgresQuery(statement), logger: logger) }
    }

    /// A confirmed erasure (``Erasure``): the steps of ``ErasurePlan``, in this transaction.
    private static func erase(
        _ pseudonym: Pseudonym, _ erasure: Erasure, at moment: Int64, on connection: PostgresConnection, logger: Logger
    ) async throws {
        for step in ErasurePlan.steps(erasing: pseudonym, erasure) {
            switch step {
            case .save(let record):
                try await save(record, of: pseudonym, at: moment, on: connection, logger: logger)
            case .shredEach(let query):
                var cases: [String] = []
                for try await id in try await connection.query(PostgresQuery(query), logger: logger).decode(String.self) { cases.append(id) }
                for caseID in cases { try await shred(caseID: caseID, at: moment, on: connection, logger: logger) }
            case .withholdPendingSends:
                _ = try await PostgresOutboxStore.withholdPending(for: pseudonym, on: connection, logger: logger)
            case .run(let statement):
                try await connection.query(PostgresQuery(statement), logger: logger)
            }
        }
    }

    /// Cuts a case past retention from her (``RetentionStatements/unlink(caseID:)``), and her state forgets it.
    static func unlink(caseID: String, from pseudonym: Pseudonym, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(PostgresQuery(RetentionStatements.unlink(caseID: caseID)), logger: logger)
        var state: String?
        for try await stored in try await connection.query(
            "SELECT state FROM conversation WHERE pseudonym = \(pseudonym.rawValue) FOR UPDATE", logger: logger
        ).decode(String.self) {
            state = stored
        }
        guard let state, let forgotten = try StoredConversation(json: state).forgetting(case: caseID) else { return }
        try await connection.query(
            "UPDATE conversation SET state = \(forgotten) WHERE pseudonym = \(pseudonym.rawValue)", logger: logger)
    }

    private static func save(
        _ record: CaseRecord, of conversation: Pseudonym, at moment: Int64, on connection: PostgresConnection, logger: Logger
    ) async throws {
        // Read as it was and changed, in one statement: every part of it sees the row as it was before. Whoever
        // else writes her case holds her conversation's lock, as the caller does.
        var stored: (queuedAt: Int64?, closedAt: Int64?)?
        for try await row in try await connection.query(
            """
            WITH stored AS (SELECT queued_at, closed_at FROM triage_case WHERE id = \(record.id)),
            changed AS (
                UPDATE triage_case SET topic = \(record.topic), urgency = \(record.urgency), priority = \(record.priority?.rawValue),
                    emergency = \(record.emergency), concern = \(record.concern), out_of_hours = \(record.outOfHours), queued_at = \(record.queuedAt),
                    claimed_at = \(record.claimedAt), closed_at = \(record.closedAt), outcome = \(record.outcome),
                    referral = \(record.referral), satisfaction = \(record.satisfaction)
                WHERE id = \(record.id))
            SELECT queued_at, closed_at FROM stored
            """, logger: logger
        ).decode((Int64?, Int64?).self) {
            stored = row
        }
        if stored == nil {
            // Another instance may take the same random handle at the same moment: the unique index decides.
            var generator = SystemRandomNumberGenerator()
            var inserted = false
            for attempt in 0...CaseHandleGenerator.attempts where !inserted {
                let handle = CaseHandleGenerator.random(length: CaseHandleGenerator.length(ofAttempt: attempt), using: &generator)
                inserted = try await !connection.query(
                    """
                    INSERT INTO triage_case (id, handle, conversation, opened_at, topic, urgency, priority, emergency, concern,
                        out_of_hours, queued_at, claimed_at, closed_at, outcome, referral, satisfaction)
                    VALUES (\(record.id), \(handle), \(conversation.rawValue), \(record.openedAt), \(record.topic), \(record.urgency),
                        \(record.priority?.rawValue), \(record.emergency), \(record.concern), \(record.outOfHours), \(record.queuedAt),
                        \(record.claimedAt), \(record.closedAt), \(record.outcome), \(record.referral), \(record.satisfaction))
                    ON CONFLICT (handle) DO NOTHING
                    RETURNING id
                    """, logger: logger
                ).collect().isEmpty
            }
            guard inserted else { throw HandlesExhausted() }
        }
        let moments = stored.map { TriageFeed.StoredMoments(queuedAt: $0.queuedAt, closedAt: $0.closedAt) }
        for event in TriageFeed.events(saving: record, over: moments) {
            try await PostgresCaseStore.record(event, at: moment, on: connection, logger: logger)
        }
    }
}
