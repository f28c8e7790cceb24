import Foundation
import Logging
import PostgresNIO

/// The statements of answering an event, prepared once per connection.
///
/// Parsing and planning a statement cost PostgreSQL more than running it: in the profile of the answering path
/// (docs/BENCHMARKS.md, "Several instances on PostgreSQL"), planning alone took longer than execution. A prepared
/// statement is parsed once per pooled connection and planned from its cached form after that. Their parameters'
/// types are given, so a `NULL` bound the first time cannot make PostgreSQL guess another type.
enum PostgresTriageStatements {
    /// Tries her conversation's lock and, once it holds it, tries her outbox numbering lock; with both, locks the
    /// event's row if it is still pending; lists her earlier pending events (see `PostgresTriageStore.take`).
    struct Take: PostgresPreparedStatement {
        static let name = "tsunagu_triage_take_2"
        static let sql = """
            SELECT taken.got AND COALESCE(numbering.got, FALSE), pending.arrival IS NOT NULL, ARRAY(
                SELECT earlier.event_id FROM inbox_event earlier
                WHERE earlier.conversation = $2 AND earlier.processed_at IS NULL AND earlier.arrival < pending.arrival)
            FROM (SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS got) taken
            LEFT JOIN LATERAL (SELECT pg_try_advisory_xact_lock($3, hashtext($2)) AS got WHERE taken.got) numbering ON TRUE
            LEFT JOIN LATERAL (
                SELECT arrival FROM inbox_event
                WHERE event_id = $4 AND processed_at IS NULL AND taken.got AND numbering.got FOR UPDATE
            ) pending ON TRUE
            """
        static let bindingDataTypes: [PostgresDataType] = [.int4, .text, .int4, .text]
        typealias Row = (Bool, Bool, [String])

        var conversation: String
        var eventID: String

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 4)
            bindings.append(PostgresTriageStore.conversationLockNamespace)
            bindings.append(conversation)
            bindings.append(PostgresOutboxStore.sequenceLockNamespace)
            bindings.append(eventID)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// What triage reads of her (see `PostgresTriageStore.snapshot`): part 0, the unheld waiting cases by priority;
    /// 1, her state and sealed address; 2, the keys of her cases; 3, her held words; 4, the records of her cases
    /// (``PostgresTriageStore/recordJSON``) with their leases' ends, ids (as bytes) and holders, one of which is her
    /// current case's.
    struct Snapshot: PostgresPreparedStatement {
        static let name = "tsunagu_triage_snapshot_4"
        static let sql = """
            SELECT 0, priority, COUNT(*), NULL::BYTEA, NULL::TEXT FROM triage_case
            WHERE queued_at IS NOT NULL AND closed_at IS NULL AND counsellor IS NULL AND priority IS NOT NULL
            GROUP BY priority
            UNION ALL SELECT 1, state, NULL, sealed_address, NULL FROM conversation WHERE pseudonym = $1
            UNION ALL SELECT 2, case_key.case_id, NULL, wrapped_key, fingerprint
                FROM case_key JOIN triage_case ON triage_case.id = case_key.case_id WHERE triage_case.conversation = $1
            UNION ALL SELECT 3, NULL, NULL, sealed_text, NULL FROM held_words WHERE pseudonym = $1
            UNION ALL SELECT 4, \(PostgresTriageStore.recordJSON()), lease_until, convert_to(id, 'UTF8'), counsellor
                FROM triage_case WHERE conversation = $1
            """
        static let bindingDataTypes: [PostgresDataType] = [.text]
        typealias Row = (Int32, String?, Int64?, Data?, String?)

        var conversation: String?

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(conversation)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// Her conversation's new state; her sealed address is kept when the commit brings none.
    struct SaveConversation: PostgresPreparedStatement {
        static let name = "tsunagu_triage_save_conversation_1"
        static let sql = """
            INSERT INTO conversation (pseudonym, state, sealed_address, updated_at, announcements) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (pseudonym) DO UPDATE SET state = EXCLUDED.state,
                sealed_address = COALESCE(EXCLUDED.sealed_address, conversation.sealed_address), updated_at = EXCLUDED.updated_at,
                announcements = EXCLUDED.announcements
            """
        static let bindingDataTypes: [PostgresDataType] = [.text, .text, .bytea, .int8, .bool]
        typealias Row = ()

        var conversation: String
        var state: String
        var sealedAddress: Data?
        var updatedAt: Int64
        var announcements: Bool

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 5)
            bindings.append(conversation)
            bindings.append(state)
            try bindings.append(sealedAddress)
            bindings.append(updatedAt)
            bindings.append(announcements)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {}
    }

    /// Her words held before consent (the first time held keeps its time).
    struct HoldWords: PostgresPreparedStatement {
        static let name = "tsunagu_triage_hold_words_1"
        static let sql = """
            INSERT INTO held_words (pseudonym, held_at, sealed_text) VALUES ($1, $2, $3)
            ON CONFLICT (pseudonym) DO UPDATE SET sealed_text = EXCLUDED.sealed_text
            """
        static let bindingDataTypes: [PostgresDataType] = [.text, .int8, .bytea]
        typealias Row = ()

        var conversation: String
        var since: Int64
        var sealed: Data

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(conversation)
            bindings.append(since)
            try bindings.append(sealed)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {}
    }

    /// One outbox entry, numbered after her last one; the caller holds her numbering lock
    /// (`PostgresOutboxStore.insert`). Returns its number.
    struct InsertOutboxEntry: PostgresPreparedStatement {
        static let name = "tsunagu_outbox_insert_one_1"
        static let sql = """
            INSERT INTO outbox_entry (id, conversation, sequence, retry_key, state, created_at,
                reply_token_usable_until, next_attempt_at, sealed_payload)
            SELECT $1, $2, COALESCE(MAX(sequence), 0) + 1, $3, 'pending', $4, $5, $4, $6 FROM outbox_entry WHERE conversation = $2
            RETURNING sequence
            """
        static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text, .int8, .int8, .bytea]
        typealias Row = Int64

        var id: String
        var conversation: String
        var retryKey: String
        var createdAt: Int64
        var replyTokenUsableUntil: Int64?
        var sealedPayload: Data

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 6)
            bindings.append(id)
            bindings.append(conversation)
            bindings.append(retryKey)
            bindings.append(createdAt)
            bindings.append(replyTokenUsableUntil)
            try bindings.append(sealedPayload)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
    }
}

extension PostgresConnection {
    /// Runs a prepared statement that returns no rows. postgres-nio's own overload for those, which returns the
    /// command tag, traps when the tag is read before the rows are consumed (1.33.2); the rows are drained instead.
    func run<Statement: PostgresPreparedStatement>(_ statement: Statement, logger: Logger) async throws where Statement.Row == () {
        for try await _ in try await execute(statement, logger: logger) {}
    }
}
