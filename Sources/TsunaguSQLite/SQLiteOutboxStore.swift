import Foundation
import GRDB
public import TsunaguCore

/// The outbox on SQLite. Saves of attempt results from concurrent sends share one transaction (group
/// commit), so the sender can settle each send as soon as it completes without paying a sync for each.
public struct SQLiteOutboxStore: OutboxStore {
    private let database: SQLiteDatabase
    private let committer: GroupCommitter<Database, Update, Int>

    /// One caller's saved attempts and the pushes among them that LINE accepted.
    struct Update: Sendable {
        var entries: [OutboxEntry]
        var pushes: Int
        var month: String
    }

    public init(database: SQLiteDatabase) {
        self.database = database
        let writer = database.writer
        self.committer = GroupCommitter(
            access: { body in writer.asyncWriteWithoutTransaction { db in body(db) } },
            flush: { db, updates in
                var counts: [Int] = []
                try db.inTransaction(.immediate) {
                    counts = try Self.apply(updates, in: db)
                    return .commit
                }
                return counts
            })
    }

    public func enqueue(_ entries: [NewOutboxEntry]) async throws -> [OutboxEntry] {
        try await database.writer.write { db in try Self.insert(entries, in: db) }
    }

    /// Adds entries within the caller's transaction (triage enqueues in the transaction of its decision),
    /// numbering them after the conversation's last entry.
    static func insert(_ entries: [NewOutboxEntry], in db: Database) throws -> [OutboxEntry] {
        var next: [Pseudonym: Int64] = [:]
        return try entries.map { new in
            let sequence: Int64
            if let known = next[new.conversation] {
                sequence = known
            } else {
                sequence =
                    try Int64.fetchOne(
                        db, cached: "SELECT COALESCE(MAX(sequence), 0) + 1 FROM outbox_entry WHERE conversation = ?",
                        arguments: [new.conversation.rawValue]) ?? 1
            }
            next[new.conversation] = sequence + 1
            let entry = OutboxEntry(
                id: new.id, conversation: new.conversation, sequence: sequence, retryKey: new.retryKey,
                createdAt: new.createdAt, replyTokenUsableUntil: new.replyTokenUsableUntil, nextAttemptAt: new.createdAt,
                sealedPayload: new.sealedPayload)
            try db.execute(
                cached: """
                    INSERT INTO outbox_entry (id, conversation, sequence, retry_key, state, created_at,
                        reply_token_usable_until, next_attempt_at, sealed_payload)
                    VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.id, entry.conversation.rawValue, entry.sequence, entry.retryKey, entry.createdAt,
                    entry.replyTokenUsableUntil, entry.nextAttemptAt, Data(entry.sealedPayload),
                ])
            return entry
        }
    }

    /// Withholds a conversation's pending entries within the caller's transaction; returns how many.
    static func withholdPending(for conversation: Pseudonym, in db: Database) throws -> Int {
        try db.execute(
            cached: "UPDATE outbox_entry SET state = 'withheld', sealed_payload = NULL WHERE conversation = ? AND state = 'pending'",
            arguments: [conversation.rawValue])
        return db.changesCount
    }

    public func dueEntries(now: Int64, limit: Int, excluding busy: Set<Pseudonym>) async throws -> [OutboxEntry] {
        // The conversations to skip travel as one JSON array, so the statement stays cached whatever their number.
        let excluded = String(decoding: try JSONEncoder().encode(busy.map(\.rawValue)), as: UTF8.self)
        return try await database.writer.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT e.* FROM outbox_entry e
                        JOIN (SELECT conversation, MIN(sequence) AS head FROM outbox_entry
                              WHERE state = 'pending' GROUP BY conversation) h
                          ON e.conversation = h.conversation AND e.sequence = h.head
                        WHERE e.next_attempt_at <= ? AND e.conversation NOT IN (SELECT value FROM json_each(?))
                        ORDER BY e.next_attempt_at, e.created_at
                        LIMIT ?
                        """),
                arguments: [now, excluded, limit]
            ).map(Self.entry(from:))
        }
    }

    @discardableResult
    public func update(_ entries: [OutboxEntry], countingPushes pushes: Int, in month: String) async throws -> Int {
        let count = try await committer.submit([Update(entries: entries, pushes: pushes, month: month)])[0]
        // A dead letter's payload was just deleted: no copy of it may stay in the log (rare; deliveries are not
        // scrubbed one by one, their frames are overwritten as the log is reused).
        if entries.contains(where: { $0.state == .deadLettered }) { database.requestScrub() }
        return count
    }

    /// Applies a batch of updates in order; returns each one's month count just after it, so that exactly one
    /// caller sees a threshold being crossed.
    private static func apply(_ updates: [Update], in db: Database) throws -> [Int] {
        try updates.map { update in
            for entry in update.entries { try Self.update(entry, in: db) }
            if update.pushes > 0 {
                try db.execute(
                    cached:
                        "INSERT INTO push_usage (month, pushes) VALUES (?, ?) ON CONFLICT (month) DO UPDATE SET pushes = pushes + excluded.pushes",
                    arguments: [update.month, update.pushes])
            }
            return try Int.fetchOne(db, cached: "SELECT pushes FROM push_usage WHERE month = ?", arguments: [update.month]) ?? 0
        }
    }

    private static func update(_ entry: OutboxEntry, in db: Database) throws {
        let keepsPayload = entry.state.keepsPayload
        try db.execute(
            cached: """
                UPDATE outbox_entry SET state = ?, reply_token_usable_until = ?, reply_outcome_unknown = ?,
                    first_push_at = ?, attempts = ?, next_attempt_at = ?, last_error = ?,
                    sealed_payload = CASE WHEN ? THEN sealed_payload ELSE NULL END
                WHERE id = ?
                """,
            arguments: [
                entry.state.rawValue, entry.replyTokenUsableUntil, entry.replyOutcomeUnknown, entry.firstPushAt,
                entry.attempts, entry.nextAttemptAt, entry.lastError, keepsPayload, entry.id,
            ])
    }

    public func markRepliesPossiblyMade() async throws -> Int {
        try await database.writer.write { db in
            try db.execute(
                cached: """
                    UPDATE outbox_entry SET reply_outcome_unknown = 1
                    WHERE state = 'pending' AND reply_token_usable_until IS NOT NULL AND reply_outcome_unknown = 0
                    """)
            return db.changesCount
        }
    }

    public func withholdPending(for conversation: Pseudonym) async throws -> Int {
        try await database.writer.write { db in try Self.withholdPending(for: conversation, in: db) }
    }

    public func counts() async throws -> OutboxCounts {
        try await database.writer.read { db in
            var byState = Dictionary(uniqueKeysWithValues: OutboxState.allCases.map { ($0.rawValue, 0) })
            for row in try Row.fetchAll(db, cached: "SELECT state, COUNT(*) AS n FROM outbox_entry GROUP BY state") {
                byState[row["state"]] = row["n"]
            }
            let deadLetters = try Row.fetchAll(
                db,
                cached: "SELECT id, created_at, attempts, last_error FROM outbox_entry WHERE state = 'deadLettered' ORDER BY created_at"
            ).map { row in
                OutboxCounts.DeadLetter(id: row["id"], createdAt: row["created_at"], attempts: row["attempts"], reason: row["last_error"])
            }
            let pushes = try Row.fetchAll(db, cached: "SELECT month, pushes FROM push_usage").reduce(into: [String: Int]()) {
                $0[$1["month"]] = $1["pushes"]
            }
            return OutboxCounts(byState: byState, deadLetters: deadLetters, pushesByMonth: pushes)
        }
    }

    public func pendingCount() async throws -> Int {
        try await database.writer.read { db in
            try Int.fetchOne(db, cached: "SELECT COUNT(*) FROM outbox_entry WHERE state = 'pending'") ?? 0
        }
    }

    private static func entry(from row: Row) -> OutboxEntry {
        let payload: Data? = row["sealed_payload"]
        return OutboxEntry(
            id: row["id"], conversation: Pseudonym(rawValue: row["conversation"]), sequence: row["sequence"],
            retryKey: row["retry_key"], state: OutboxState(rawValue: row["state"]) ?? .pending, createdAt: row["created_at"],
            replyTokenUsableUntil: row["reply_token_usable_until"], replyOutcomeUnknown: row["reply_outcome_unknown"],
            firstPushAt: row["first_push_at"], attempts: row["attempts"], nextAttemptAt: row["next_attempt_at"],
            lastError: row["last_error"], sealedPayload: payload.map(Array.init) ?? [])
    }
}
