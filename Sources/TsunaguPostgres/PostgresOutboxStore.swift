import Foundation
import Logging
import PostgresNIO
public import TsunaguCore

/// The outbox on PostgreSQL, shared by every instance.
///
/// Taking work is claiming it: ``dueEntries(now:limit:excluding:)`` leases the heads it returns to this
/// instance (`FOR UPDATE SKIP LOCKED`, then `leased_by`/`lease_until`), so two instances never send the same
/// entry at once, and a conversation's next entry is offered only once its head is settled, whichever
/// instance settles it: per-chat order holds across instances. A lease that lapses (its instance died
/// mid-send) lets another instance take the entry; since the dead one may have had a reply accepted, the
/// taker marks the reply's outcome as unknown, and a push carries the same retry key, so LINE drops a
/// repeat.
///
/// ``update(_:countingPushes:in:)`` saves only pending entries that this instance holds or nobody holds, so a
/// late save from an instance whose lease lapsed cannot undo the result of the instance that took over.
public struct PostgresOutboxStore: OutboxStore {
    private let database: SharedDatabase
    /// This instance's name in `leased_by`; unique per process.
    public let instance: String
    private let leaseMilliseconds: Int64

    /// The advisory-lock namespace for numbering a conversation's entries (its second key is the
    /// conversation's hash).
    public static let sequenceLockNamespace: Int32 = 0x7473_7531  // "tsu1"

    /// - Parameters:
    ///   - instance: this instance's name in claims, unique among the instances.
    ///   - lease: how long a claimed send is this instance's alone; longer than any one attempt takes.
    public init(database: SharedDatabase, instance: String, lease: Duration = .seconds(120)) {
        self.database = database
        self.instance = instance
        self.leaseMilliseconds = lease.wholeMilliseconds
    }

    public func enqueue(_ entries: [NewOutboxEntry]) async throws -> [OutboxEntry] {
        guard !entries.isEmpty else { return [] }
        let logger = database.logger
        return try await database.transaction { connection in
            try await Self.insert(entries, on: connection, logger: logger)
        }
    }

    /// Adds entries within the caller's transaction, numbering them after each conversation's last entry. A
    /// transaction-scoped advisory lock per conversation (taken in a fixed order) makes the numbering safe
    /// when several instances enqueue for the same chat at once. Once it holds the lock, one statement per
    /// conversation numbers and inserts her entries: the lock must come first, since a statement reads what
    /// was committed when it began.
    /// - Parameter numberingLocked: a conversation whose lock the caller took in an earlier statement (triage
    ///   takes it with her conversation's, in ``PostgresTriageStore``'s order).
    static func insert(
        _ entries: [NewOutboxEntry], on connection: PostgresConnection, logger: Logger, numberingLocked: Pseudonym? = nil
    ) async throws -> [OutboxEntry] {
        var sequences: [String: Int64] = [:]
        let byConversation = Dictionary(grouping: entries, by: \.conversation)
        for conversation in byConversation.keys.sorted(by: { $0.rawValue < $1.rawValue }) where conversation != numberingLocked {
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(sequenceLockNamespace), hashtext(\(conversation.rawValue)))", logger: logger)
        }
        for conversation in byConversation.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            if let new = byConversation[conversation]?.first, byConversation[conversation]?.count == 1 {
                // The usual answer: one entry, from a statement prepared once per connection.
                for try await sequence in try await connection.execute(
                    PostgresTriageStatements.InsertOutboxEntry(
                        id: new.id, conversation: conversation.rawValue, retryKey: new.retryKey, createdAt: new.createdAt,
                        replyTokenUsableUntil: new.replyTokenUsableUntil, sealedPayload: Data(new.sealedPayload)),
                    logger: logger)
                {
                    sequences[new.id] = sequence
                }
                continue
            }
            var sql = PostgresQuery.StringInterpolation(literalCapacity: 512, interpolationCount: 8 * entries.count)
            sql.appendLiteral(
                """
                INSERT INTO outbox_entry (id, conversation, sequence, retry_key, state, created_at,
                    reply_token_usable_until, next_attempt_at, sealed_payload)
                SELECT entry.id, entry.conversation, numbered.sequence + entry.position, entry.retry_key, 'pending', entry.created_at,
                    entry.reply_token_usable_until, entry.created_at, entry.sealed_payload
                FROM (SELECT COALESCE(MAX(sequence), 0) AS sequence FROM outbox_entry WHERE conversation =
                """)
            sql.appendInterpolation(conversation.rawValue)
            sql.appendLiteral(") numbered, (VALUES ")
            for (position, new) in byConversation[conversation, default: []].enumerated() {
                sql.appendLiteral(position == 0 ? "(" : ", (")
                sql.appendInterpolation(new.id)
                sql.appendLiteral(", ")
                sql.appendInterpolation(conversation.rawValue)
                sql.appendLiteral(", ")
                sql.appendInterpolation(Int64(position + 1))
                sql.appendLiteral(", ")
                sql.appendInterpolation(new.retryKey)
                sql.appendLiteral(", ")
                sql.appendInterpolation(new.createdAt)
                sql.appendLiteral(", ")
                sql.appendInterpolation(new.replyTokenUsableUntil)
                sql.appendLiteral("::BIGINT, ")
                try sql.appendInterpolation(Data(new.sealedPayload))
                sql.appendLiteral(")")
            }
            sql.appendLiteral(
                """
                ) AS entry (id, conversation, position, retry_key, created_at, reply_token_usable_until, sealed_payload)
                RETURNING id, sequence
                """)
            for try await (id, sequence) in try await connection.query(PostgresQuery(stringInterpolation: sql), logger: logger)
                .decode((String, Int64).self)
            {
                sequences[id] = sequence
            }
        }
        return entries.map { new in
            OutboxEntry(
                id: new.id, conversation: new.conversation, sequence: sequences[new.id] ?? 0, retryKey: new.retryKey,
                createdAt: new.createdAt, replyTokenUsableUntil: new.replyTokenUsableUntil, nextAttemptAt: new.createdAt,
                sealedPayload: new.sealedPayload)
        }
    }

    public func dueEntries(now: Int64, limit: Int, excluding busy: Set<Pseudonym>) async throws -> [OutboxEntry] {
        let excluded = busy.map(\.rawValue)
        let leaseUntil = now + leaseMilliseconds
        // The lease and state conditions are on `e`, the locked row, so PostgreSQL re-checks them against the
        // newest version when another instance changed the row meanwhile.
        let rows = try await database.client.query(
            """
            WITH heads AS (
                SELECT DISTINCT ON (conversation) id FROM outbox_entry
                WHERE state = 'pending'
                ORDER BY conversation, sequence
            ), due AS (
                SELECT e.id FROM outbox_entry e JOIN heads h ON e.id = h.id
                WHERE e.state = 'pending' AND e.next_attempt_at <= \(now)
                  AND (e.lease_until IS NULL OR e.lease_until <= \(now))
                  AND NOT (e.conversation = ANY(\(excluded)))
                ORDER BY e.next_attempt_at, e.created_at
                LIMIT \(limit)
                FOR UPDATE OF e SKIP LOCKED
            )
            UPDATE outbox_entry o SET
                reply_outcome_unknown = o.reply_outcome_unknown
                    OR (o.leased_by IS NOT NULL AND o.reply_token_usable_until IS NOT NULL),
                leased_by = \(instance), lease_until = \(leaseUntil)
            FROM due WHERE o.id = due.id
            RETURNING \(unescaped: Self.columns)
            """, logger: database.logger)
        var entries: [OutboxEntry] = []
        for try await row in rows { entries.append(try Self.entry(from: row)) }
        return entries.sorted { ($0.nextAttemptAt, $0.createdAt, $0.id) < ($1.nextAttemptAt, $1.createdAt, $1.id) }
    }

    @discardableResult
    public func update(_ entries: [OutboxEntry], countingPushes pushes: Int, in month: String) async throws -> Int {
        let logger = database.logger
        let instance = instance
        return try await database.transaction { connection in
            for entry in entries {
                let keepsPayload = entry.state.keepsPayload
                try await connection.query(
                    """
                    UPDATE outbox_entry SET state = \(entry.state.rawValue),
                        reply_token_usable_until = \(entry.replyTokenUsableUntil),
                        reply_outcome_unknown = \(entry.replyOutcomeUnknown), first_push_at = \(entry.firstPushAt),
                        attempts = \(entry.attempts), next_attempt_at = \(entry.nextAttemptAt), last_error = \(entry.lastError),
                        sealed_payload = CASE WHEN \(keepsPayload) THEN sealed_payload ELSE NULL END,
                        leased_by = NULL, lease_until = NULL
                    WHERE id = \(entry.id) AND state = 'pending' AND (leased_by IS NULL OR leased_by = \(instance))
                    """, logger: logger)
            }
            if pushes > 0 {
                try await connection.query(
                    """
                    INSERT INTO push_usage (month, pushes) VALUES (\(month), \(pushes))
                    ON CONFLICT (month) DO UPDATE SET pushes = push_usage.pushes + EXCLUDED.pushes
                    """, logger: logger)
            }
            let rows = try await connection.query("SELECT pushes FROM push_usage WHERE month = \(month)", logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }

    /// At an instance's start-up: every pending entry some instance had claimed may have had its reply
    /// accepted without the result being saved. Entries nobody claimed were not attempted since their last
    /// save, so they keep their state (unlike SQLite, where the one sender may have been sending anything).
    public func markRepliesPossiblyMade() async throws -> Int {
        let rows = try await database.client.query(
            """
            UPDATE outbox_entry SET reply_outcome_unknown = TRUE
            WHERE state = 'pending' AND reply_token_usable_until IS NOT NULL AND NOT reply_outcome_unknown
              AND leased_by IS NOT NULL
            RETURNING id
            """, logger: database.logger)
        return try await rows.collect().count
    }

    public func withholdPending(for conversation: Pseudonym) async throws -> Int {
        let logger = database.logger
        return try await database.client.withConnection { connection in
            try await Self.withholdPending(for: conversation, on: connection, logger: logger)
        }
    }

    /// Withholds a conversation's pending entries on `connection` (within the caller's transaction, if any).
    static func withholdPending(for conversation: Pseudonym, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query(
            """
            UPDATE outbox_entry SET state = 'withheld', sealed_payload = NULL, leased_by = NULL, lease_until = NULL
            WHERE conversation = \(conversation.rawValue) AND state = 'pending'
            RETURNING id
            """, logger: logger)
        return try await rows.collect().count
    }

    public func counts() async throws -> OutboxCounts {
        let client = database.client
        let logger = database.logger
        var byState = Dictionary(uniqueKeysWithValues: OutboxState.allCases.map { ($0.rawValue, 0) })
        for try await (state, count) in try await client.query(
            "SELECT state, COUNT(*) FROM outbox_entry GROUP BY state", logger: logger
        ).decode((String, Int).self) {
            byState[state] = count
        }
        var deadLetters: [OutboxCounts.DeadLetter] = []
        for try await (id, createdAt, attempts, reason) in try await client.query(
            "SELECT id, created_at, attempts, last_error FROM outbox_entry WHERE state = 'deadLettered' ORDER BY created_at, id",
            logger: logger
        ).decode((String, Int64, Int, String?).self) {
            deadLetters.append(.init(id: id, createdAt: createdAt, attempts: attempts, reason: reason))
        }
        var pushes: [String: Int] = [:]
        for try await (month, count) in try await client.query("SELECT month, pushes FROM push_usage", logger: logger)
            .decode((String, Int).self)
        {
            pushes[month] = count
        }
        return OutboxCounts(byState: byState, deadLetters: deadLetters, pushesByMonth: pushes)
    }

    public func pendingCount() async throws -> Int {
        let rows = try await database.client.query(
            "SELECT COUNT(*) FROM outbox_entry WHERE state = 'pending'", logger: database.logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    private static let columns = """
        o.id, o.conversation, o.sequence, o.retry_key, o.state, o.created_at, o.reply_token_usable_until,
        o.reply_outcome_unknown, o.first_push_at, o.attempts, o.next_attempt_at, o.last_error, o.sealed_payload
        """

    private static func entry(from row: PostgresRow) throws -> OutboxEntry {
        let (id, conversation, sequence, retryKey, state, createdAt, usableUntil, unknown, firstPush, attempts, next, error, payload) =
            try row.decode(
                (String, String, Int64, String, String, Int64, Int64?, Bool, Int64?, Int, Int64, String?, Data?).self)
        return OutboxEntry(
            id: id, conversation: Pseudonym(rawValue: conversation), sequence: sequence, retryKey: retryKey,
            state: OutboxState(rawValue: state) ?? .pending, createdAt: createdAt, replyTokenUsableUntil: usableUntil,
            replyOutcomeUnknown: unknown, firstPushAt: firstPush, attempts: attempts, nextAttemptAt: next, lastError: error,
            sealedPayload: payload.map(Array.init) ?? [])
    }
}
