import Foundation
import Logging
import PostgresNIO
import TsunaguCore

/// Answering several conversations in one transaction, in few round trips each.
///
/// Measured with `scripts/bench-instances` (docs/BENCHMARKS.md, "CPU per answer on PostgreSQL"): one event per
/// transaction in fourteen statements cost about 3.8 ms of CPU per answer, both sides together, much of it in
/// round trips, commits, parsing and planning rather than in the work. So a transaction holds up to
/// ``PostgresTriageStore/conversationsPerTransaction`` conversations; taking her conversation and reading what
/// triage needs are one prepared statement each (``PostgresTriageStatements``); and the events are marked
/// processed together just before the commit.
extension PostgresTriageStore {
    /// `decide` threw, or her stored state cannot be read: the event stays pending, as on SQLite. Any other error
    /// (the database) ends the transaction.
    struct DecisionFailed: Error {}

    /// What became of one event.
    enum Outcome {
        /// Processed now; how many outbox entries it added.
        case processed(Int)
        /// Processed already (by another instance).
        case done
        /// Not now: her conversation is busy elsewhere, or an earlier event of hers is pending.
        case wait
    }

    /// Processes `conversations` (each one's events in order) in one transaction. If the database refuses one
    /// conversation's writes, that undoes the others' too: they are then tried again one transaction each, so one
    /// that cannot be written holds back no other. Throws only when cancelled: a conversation whose transaction
    /// failed alone has her events reported failed (they stay pending and are tried again in a later batch).
    func processTogether(
        _ conversations: [[InboxEvent]], decide: @escaping @Sendable (InboxEvent, TriageSnapshot) throws -> TriageCommit
    ) async throws -> TriageBatchResult {
        let logger = database.logger
        do {
            return try await database.transaction { connection in
                // One moment for the transaction's rows, by the database's clock (as SQLite's transaction clock).
                try await Self.processInTransaction(
                    conversations, decide: decide, at: database.clock.now(), on: connection, logger: logger)
            }
        } catch {
            if Task.isCancelled { throw error }
            guard conversations.count > 1 else {
                logger.error("A conversation's answer could not be written; it will be retried", metadata: ["error.type": "\(type(of: error))"])
                return TriageBatchResult(processed: 0, failed: conversations.flatMap { $0.map(\.eventID) }, enqueued: 0)
            }
            var result = TriageBatchResult(processed: 0, failed: [], enqueued: 0)
            for events in conversations {
                let done = try await processTogether([events], decide: decide)
                result.processed += done.processed
                result.enqueued += done.enqueued
                result.failed += done.failed
            }
            return result
        }
    }

    /// The body of one transaction: each conversation's events in order, until one must wait.
    private static func processInTransaction(
        _ conversations: [[InboxEvent]], decide: @Sendable (InboxEvent, TriageSnapshot) throws -> TriageCommit, at moment: Int64,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> TriageBatchResult {
        var result = TriageBatchResult(processed: 0, failed: [], enqueued: 0)
        var processed: [String] = []
        for events in conversations {
            // Hers that this transaction failed or processed (not marked yet): neither holds back her next event.
            var settled: Set<String> = []
            eventsOfHers: for event in events {
                do {
                    switch try await processOne(event, decide: decide, settled: settled, at: moment, on: connection, logger: logger) {
                    case .processed(let enqueued):
                        result.processed += 1
                        result.enqueued += enqueued
                        processed.append(event.eventID)
                        settled.insert(event.eventID)
                    case .done:
                        continue
                    case .wait:
                        break eventsOfHers
                    }
                } catch is DecisionFailed {
                    result.failed.append(event.eventID)
                    settled.insert(event.eventID)
                }
            }
        }
        if !processed.isEmpty {
            // Processed: the sealed events (her words, her id) are no longer needed here.
            try await connection.query(
                "UPDATE inbox_event SET processed_at = \(moment), sealed_event = NULL WHERE event_id = ANY(\(processed))",
                logger: logger)
        }
        return result
    }

    /// Processes one event within the caller's transaction.
    private static func processOne(
        _ event: InboxEvent, decide: @Sendable (InboxEvent, TriageSnapshot) throws -> TriageCommit, settled: Set<String>,
        at moment: Int64, on connection: PostgresConnection, logger: Logger
    ) async throws -> Outcome {
        switch try await take(event, on: connection, logger: logger) {
        case .busy:
            return .wait
        case .gone:
            return .done
        case .taken(let earlier):
            // An earlier event of hers still pending goes first, unless this transaction already settled it.
            if earlier.contains(where: { !settled.contains($0) }) { return .wait }
        }
        let snapshot: TriageSnapshot
        do {
            snapshot = try await Self.snapshot(of: event.conversation, at: moment, on: connection, logger: logger)
        } catch is DecodingError {
            throw DecisionFailed()  // Her stored state cannot be read: her event waits, the batch goes on (Conversation+stored).
        }
        let commit: TriageCommit
        do {
            commit = try decide(event, snapshot)
        } catch {
            throw DecisionFailed()
        }
        guard let conversation = event.conversation else { return .processed(0) }
        return .processed(try await Self.apply(commit, to: conversation, at: moment, on: connection, logger: logger, numberingLocked: true))
    }

    /// Whether this transaction may process the event now.
    private enum Taking {
        /// Another transaction holds her conversation.
        case busy
        /// Processed already.
        case gone
        /// Hers and the event's row are locked; her events still pending that arrived before it.
        case taken(earlier: [String])
    }

    /// Tries her conversation's lock and, once it holds it, tries her outbox numbering lock (for her answer's
    /// entries, ``PostgresOutboxStore/insert(_:on:logger:numberingLocked:)``) and locks the event's row if it is
    /// still pending; and lists her earlier pending events: one statement. The later steps depend on the locks'
    /// results through lateral joins, so a busy conversation never waits, and neither does a conversation whose
    /// numbering another transaction holds (an announcement to every recipient may hold it for seconds): waiting
    /// would hold up every other conversation of this transaction. Either is left for a later batch. The list is read in the statement's
    /// snapshot, taken just before the lock: a commit between the two can only make an earlier event look pending,
    /// and her event then waits.
    private static func take(_ event: InboxEvent, on connection: PostgresConnection, logger: Logger) async throws -> Taking {
        guard let conversation = event.conversation?.rawValue else {
            for try await _ in try await connection.query(
                "SELECT arrival FROM inbox_event WHERE event_id = \(event.eventID) AND processed_at IS NULL FOR UPDATE", logger: logger
            ).decode(Int64.self) {
                return .taken(earlier: [])
            }
            return .gone
        }
        let rows = try await connection.execute(
            PostgresTriageStatements.Take(conversation: conversation, eventID: event.eventID), logger: logger)
        for try await (got, pending, earlier) in rows {
            guard got else { return .busy }
            return pending ? .taken(earlier: earlier) : .gone
        }
        return .busy
    }

    /// What triage reads of her, in one statement: the unheld cases waiting by priority (her place is behind those
    /// no counsellor has taken yet), her state and sealed address, the keys of her cases, her held words; her current
    /// case's holder only while the claim is live at `moment`.
    static func snapshot(
        of conversation: Pseudonym?, at moment: Int64, on connection: PostgresConnection, logger: Logger
    ) async throws -> TriageSnapshot {
        let rows = try await connection.execute(PostgresTriageStatements.Snapshot(conversation: conversation?.rawValue), logger: logger)
        var waiting: [Priority: Int] = [:]
        var stored: (state: String, address: Data?)?
        var keys: [String: (wrapped: Data, fingerprint: String?)] = [:]
        var held: Data?
        /// Her cases' records as JSON, by case id, with their holders and leases: only her current case's is decoded,
        /// so a damaged row of a past case cannot hold her events back (as on SQLite, which reads only that row).
        var records: [String: (json: String, holder: String?, leaseUntil: Int64?)] = [:]
        for try await (part, text, count, bytes, fingerprint) in rows {
            switch part {
            case 0: if let text, let priority = Priority(rawValue: text) { waiting[priority, default: 0] += Int(count ?? 0) }
            case 1: if let text { stored = (text, bytes) }
            case 2: if let text, let bytes { keys[text] = (bytes, fingerprint) }
            case 3: held = bytes
            default:  // Part 4's columns: the record, the lease's end, the id, the holder.
                if let text, let bytes { records[String(decoding: bytes, as: UTF8.self)] = (text, fingerprint, count) }
            }
        }
        guard let stored else { return TriageSnapshot(conversation: nil, sealedAddress: nil, wrappedCaseKey: nil, waiting: waiting) }
        let storedState = try StoredConversation(json: stored.state)
        var current: (record: CaseRecord, holder: String?)?
        var key: (wrapped: Data, fingerprint: String?)?
        if let caseID = storedState.currentCaseID {
            // Her current case's record and holder are its row's (Conversation+stored), read among her cases' rows.
            if let row = records[caseID] {
                current = (try Self.record(fromJSON: row.json), CaseConditions.liveHolder(row.holder, leaseUntil: row.leaseUntil, at: moment))
            }
            // Her current case is one of hers; read by its id too, should it ever point elsewhere.
            if current == nil {
                for try await (json, holder, leaseUntil) in try await connection.query(
                    "SELECT \(unescaped: Self.recordJSON()), counsellor, lease_until FROM triage_case WHERE id = \(caseID)", logger: logger
                ).decode((String, String?, Int64?).self) {
                    current = (try Self.record(fromJSON: json), CaseConditions.liveHolder(holder, leaseUntil: leaseUntil, at: moment))
                }
            }
            key = keys[caseID]
            if key == nil {
                for try await row in try await connection.query(
                    "SELECT wrapped_key, fingerprint FROM case_key WHERE case_id = \(caseID)", logger: logger
                ).decode((Data, String?).self) {
                    key = row
                }
            }
        }
        let state = try storedState.conversation(currentCase: current?.record, holder: current?.holder)
        return TriageSnapshot(
            conversation: state, sealedAddress: stored.address.map { Array($0) }, wrappedCaseKey: key.map { Array($0.wrapped) },
            caseKeyFingerprint: key?.fingerprint, waiting: waiting, sealedHeldWords: held.map { Array($0) })
    }
}
