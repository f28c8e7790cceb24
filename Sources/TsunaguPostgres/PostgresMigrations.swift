import Logging
import PostgresNIO

/// The PostgreSQL schema's history, kept like SQLite's (`TsunaguSQLite/Migrations.swift`): a migration is
/// frozen once it ships, literal SQL only, new ones appended at the end.
///
/// Several instances may start at once: each migration runs in its own transaction under one
/// transaction-scoped advisory lock, and re-reads what is applied once it holds the lock, so every migration
/// is applied exactly once whichever instance gets there first.
enum PostgresMigrations {
    struct Migration: Sendable {
        let name: String
        /// One statement per element: postgres-nio's extended protocol takes a single statement at a time.
        let statements: [String]
    }

    /// The advisory-lock key that serialises migrations (any constant no other lock of ours uses).
    static let lockKey: Int64 = 0x7473_756E_6167_7501  // "tsunagu" + 1

    static let all: [Migration] = [
        Migration(
            name: "v1-inbox-outbox",
            statements: [
                // The sealed event holds everything identifying; the clear columns are what ordering and routing
                // need, and nothing that names a person. Times are milliseconds since the epoch, as in SQLite.
                """
                CREATE TABLE inbox_event (
                    event_id TEXT PRIMARY KEY,
                    event_type TEXT NOT NULL,
                    occurred_at BIGINT NOT NULL,
                    received_at BIGINT NOT NULL,
                    source_kind TEXT NOT NULL,
                    conversation TEXT,
                    sealed_event BYTEA,
                    duplicate_count INTEGER NOT NULL DEFAULT 0,
                    processed_at BIGINT
                )
                """,
                "CREATE INDEX inbox_event_pending ON inbox_event (conversation, occurred_at) WHERE processed_at IS NULL",
                // One row per send. leased_by / lease_until: which instance is sending the entry, and until when
                // its claim holds; after that, another instance may take it (the retry key makes a repeat
                // harmless).
                """
                CREATE TABLE outbox_entry (
                    id TEXT PRIMARY KEY,
                    conversation TEXT NOT NULL,
                    sequence BIGINT NOT NULL,
                    retry_key TEXT NOT NULL,
                    state TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    reply_token_usable_until BIGINT,
                    reply_outcome_unknown BOOLEAN NOT NULL DEFAULT FALSE,
                    first_push_at BIGINT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at BIGINT NOT NULL,
                    last_error TEXT,
                    sealed_payload BYTEA,
                    leased_by TEXT,
                    lease_until BIGINT,
                    UNIQUE (conversation, sequence)
                )
                """,
                "CREATE INDEX outbox_entry_pending ON outbox_entry (conversation, sequence) WHERE state = 'pending'",
                "CREATE TABLE push_usage (month TEXT PRIMARY KEY, pushes BIGINT NOT NULL)",
            ]),
        Migration(
            name: "v2-triage",
            statements: [
                // arrival: the order events were stored in, across instances; a chat's events are processed in it.
                "ALTER TABLE inbox_event ADD COLUMN arrival BIGSERIAL",
                "CREATE INDEX inbox_event_arrival ON inbox_event (arrival) WHERE processed_at IS NULL",
                // As on SQLite: the conversation's triage state as JSON (no text, no ids) and her LINE id sealed;
                // the anonymous case record statistics are made of; each case's content key, wrapped; the
                // transcript sealed with it; alerts and the counsellors' feed (kind and handle, never text).
                """
                CREATE TABLE conversation (
                    pseudonym TEXT PRIMARY KEY,
                    state TEXT NOT NULL,
                    sealed_address BYTEA,
                    updated_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE triage_case (
                    id TEXT PRIMARY KEY,
                    handle TEXT NOT NULL UNIQUE,
                    conversation TEXT NOT NULL,
                    opened_at BIGINT NOT NULL,
                    topic TEXT,
                    urgency TEXT,
                    priority TEXT,
                    emergency TEXT,
                    out_of_hours BOOLEAN,
                    queued_at BIGINT,
                    claimed_at BIGINT,
                    closed_at BIGINT,
                    outcome TEXT,
                    referral TEXT,
                    satisfaction TEXT,
                    content_destroyed_at BIGINT,
                    counsellor TEXT,
                    lease_until BIGINT,
                    first_response_at BIGINT
                )
                """,
                """
                CREATE INDEX triage_case_waiting ON triage_case (priority, queued_at)
                    WHERE queued_at IS NOT NULL AND closed_at IS NULL AND counsellor IS NULL
                """,
                """
                CREATE INDEX triage_case_counsellor ON triage_case (counsellor, lease_until)
                    WHERE counsellor IS NOT NULL AND closed_at IS NULL
                """,
                "CREATE INDEX triage_case_conversation ON triage_case (conversation, opened_at)",
                "CREATE INDEX triage_case_opened ON triage_case (opened_at)",
                "CREATE TABLE case_key (case_id TEXT PRIMARY KEY, wrapped_key BYTEA NOT NULL, fingerprint TEXT)",
                """
                CREATE TABLE case_message (
                    id BIGSERIAL PRIMARY KEY,
                    case_id TEXT NOT NULL,
                    at BIGINT NOT NULL,
                    author TEXT NOT NULL,
                    message_ref TEXT,
                    sealed_text BYTEA NOT NULL
                )
                """,
                "CREATE INDEX case_message_case ON case_message (case_id, id)",
                "CREATE INDEX case_message_ref ON case_message (message_ref) WHERE message_ref IS NOT NULL",
                """
                CREATE TABLE emergency_alert (
                    id BIGSERIAL PRIMARY KEY, case_id TEXT NOT NULL, category TEXT NOT NULL, raised_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE staff_event (
                    id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, kind TEXT NOT NULL, handle TEXT NOT NULL,
                    priority TEXT, counsellor TEXT, detail TEXT
                )
                """,
            ]),
        Migration(
            name: "v3-staff-audit",
            statements: [
                // staff: members and the SHA-256 of their token. audit_log: append-only, hash-chained record of
                // staff actions; never message text. Its sequence is the chain's, gap-free, not a serial.
                """
                CREATE TABLE staff (
                    name TEXT PRIMARY KEY, role TEXT NOT NULL, token_hash BYTEA NOT NULL UNIQUE,
                    created_at BIGINT NOT NULL, revoked_at BIGINT
                )
                """,
                """
                CREATE TABLE audit_log (
                    sequence BIGINT PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                    case_id TEXT, detail TEXT, hash TEXT NOT NULL
                )
                """,
            ]),
        Migration(
            name: "v4-scheduled-jobs",
            statements: [
                // When each periodic job last ran, and on which instance: so it runs once per period in all.
                "CREATE TABLE scheduled_job (name TEXT PRIMARY KEY, last_run_at BIGINT NOT NULL, run_by TEXT NOT NULL)"
            ]),
        Migration(
            name: "v5-keyring",
            statements: [
                // The sealing and pseudonym keys, each wrapped by a master key (identified by its fingerprint).
                "CREATE TABLE keyring (fingerprint TEXT NOT NULL, name TEXT NOT NULL, wrapped BYTEA NOT NULL, PRIMARY KEY (fingerprint, name))"
            ]),
        Migration(
            name: "v6-statistics",
            statements: [
                // Phone and in-person consultations counsellors log, so statistics cover every channel: triage
                // categories only, no personal data.
                """
                CREATE TABLE offline_consultation (
                    id BIGSERIAL PRIMARY KEY, held_at BIGINT NOT NULL, channel TEXT NOT NULL, topic TEXT NOT NULL,
                    outcome TEXT NOT NULL, referral TEXT
                )
                """,
                "CREATE INDEX offline_consultation_held ON offline_consultation (held_at)",
            ]),
        Migration(
            name: "v7-rate-budget",
            statements: [
                // LINE's rate limits are per channel: the calls all instances made to an endpoint in each second
                // of the database's clock. Rows older than a minute are deleted as new ones come.
                """
                CREATE TABLE rate_window (
                    endpoint TEXT NOT NULL, second BIGINT NOT NULL, used INTEGER NOT NULL,
                    PRIMARY KEY (endpoint, second)
                )
                """
            ]),
        Migration(
            name: "v8-feed-sequence",
            statements: [
                // The live feed's ids are given after commit, by whoever reads the feed (see PostgresCaseStore),
                // instead of under a lock held to each writer's commit: that lock made every transaction that
                // reported to the feed wait its turn.
                "ALTER TABLE staff_event ADD COLUMN feed_id BIGINT",
                "UPDATE staff_event SET feed_id = id",
                "CREATE UNIQUE INDEX staff_event_feed ON staff_event (feed_id)",
                "CREATE INDEX staff_event_unnumbered ON staff_event (id) WHERE feed_id IS NULL",
                "CREATE SEQUENCE staff_feed_id",
                "SELECT setval('staff_feed_id', COALESCE(MAX(feed_id), 0) + 1, false) FROM staff_event",
            ]),
        Migration(
            name: "v9-held-words",
            statements: [
                // Her words written before she answered the privacy notice, sealed; destroyed when she declines,
                // or when they are older than the script's firstWords.holdMinutes.
                """
                CREATE TABLE held_words (
                    pseudonym TEXT PRIMARY KEY,
                    held_at BIGINT NOT NULL,
                    sealed_text BYTEA NOT NULL
                )
                """,
                "CREATE INDEX held_words_held ON held_words (held_at)",
            ]),
        Migration(
            name: "v10-programme-records",
            statements: [
                // The programme's other services and withdrawals of earlier entries: counts and categories as
                // JSON, never a name. dated_on is the day it counts on, in days since 1970-01-01 (Japan time).
                """
                CREATE TABLE programme_record (
                    id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, dated_on INTEGER NOT NULL, recorded_at BIGINT NOT NULL,
                    body TEXT NOT NULL
                )
                """,
                "CREATE INDEX programme_record_dated ON programme_record (dated_on)",
            ]),
        Migration(
            name: "v11-announcements",
            statements: [
                // Whether the conversation receives the programme's announcements now (she opted in and has not
                // blocked the account): a column, so that `tsunagud announce` finds them without reading every state.
                "ALTER TABLE conversation ADD COLUMN announcements BOOLEAN NOT NULL DEFAULT FALSE",
                "CREATE INDEX conversation_announcements ON conversation (announcements) WHERE announcements",
            ]),
        Migration(
            name: "v12-keyed-audit",
            statements: [
                // How each audit entry's hash was made: 1, plain SHA-256 (every entry so far), or 2, HMAC under the
                // audit key, which every entry written from now on is.
                "ALTER TABLE audit_log ADD COLUMN chain_version INTEGER NOT NULL DEFAULT 1"
            ]),
        Migration(
            name: "v13-seen-events",
            statements: [
                // The keyed digest of every webhook event id received, and the hour: what stays of an event once
                // its inbox row is deleted, so that a late redelivery is still dropped. No content, no link to her.
                "CREATE TABLE seen_event (digest BYTEA PRIMARY KEY, seen_at BIGINT NOT NULL)",
                "CREATE INDEX seen_event_seen ON seen_event (seen_at)",
            ]),
        Migration(
            name: "v14-one-case-record",
            statements: [
                // One source of truth for a case, as SQLite's v17: its record and its holder live only in triage_case.
                // The concern gets its column; her state keeps her current case's id (currentCaseID) instead of a copy
                // of its record, and a case in the queue or with a counsellor as {"queued":{}}, without the priority
                // or the holder; the stage moves from "state" to "stage", a key older versions do not read
                // (Conversation+stored). A state that is not JSON (damaged) is left for the operator, as it was.
                "ALTER TABLE triage_case ADD COLUMN concern TEXT",
                """
                DO $$
                DECLARE
                    r RECORD;
                    j JSONB;
                BEGIN
                    FOR r IN SELECT pseudonym, state FROM conversation WHERE state LIKE '%"currentCase"%' OR state LIKE '%"state"%'
                    LOOP
                        BEGIN
                            j := r.state::jsonb;
                        EXCEPTION WHEN others THEN
                            CONTINUE;
                        END;
                        IF jsonb_typeof(j -> 'currentCase') = 'object' THEN
                            UPDATE triage_case SET concern = j -> 'currentCase' ->> 'concern' WHERE id = j -> 'currentCase' ->> 'id';
                            j := (j - 'currentCase') || jsonb_build_object('currentCaseID', j -> 'currentCase' -> 'id');
                        END IF;
                        IF (j -> 'state') ? 'queued' OR (j -> 'state') ? 'active' THEN
                            j := jsonb_set(j, '{state}', '{"queued": {}}'::jsonb);
                        END IF;
                        IF jsonb_typeof(j -> 'state') = 'object' THEN
                            j := (j - 'state') || jsonb_build_object('stage', j -> 'state');
                        END IF;
                        UPDATE conversation SET state = j::text WHERE pseudonym = r.pseudonym;
                    END LOOP;
                END
                $$
                """,
            ]),
    ]

    /// Applies what is missing; returns the names applied now, in order.
    static func apply(on client: PostgresClient, logger: Logger) async throws -> [String] {
        // Under the lock too: two CREATE TABLE IF NOT EXISTS racing can still collide in the catalogue.
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS tsunagu_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger)
        }
        var applied: [String] = []
        for migration in all {
            let ran = try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
                let done =
                    try await connection.query(
                        "SELECT 1 FROM tsunagu_migration WHERE name = \(migration.name)", logger: logger
                    ).collect().isEmpty == false
                if done { return false }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO tsunagu_migration (name) VALUES (\(migration.name))", logger: logger)
                return true
            }
            if ran { applied.append(migration.name) }
        }
        return applied
    }

    /// Whether every known migration is applied (read-only commands refuse a database from another version).
    static func isComplete(on client: PostgresClient, logger: Logger) async throws -> Bool {
        let names = all.map(\.name)
        let exists = try await client.query("SELECT to_regclass('tsunagu_migration') IS NOT NULL", logger: logger)
        for try await present in exists.decode(Bool.self) where !present { return false }
        let rows = try await client.query(
            "SELECT COUNT(*) FROM tsunagu_migration WHERE name = ANY(\(names))", logger: logger)
        for try await count in rows.decode(Int.self) { return count == names.count }
        return false
    }
}
