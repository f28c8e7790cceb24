import GRDB

/// The schema's history. A migration is frozen once it ships: it describes the past with literal SQL and
/// never refers to app types. Add new ones at the end.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-inbox") { db in
            // The sealed event holds everything identifying (user ids, text, tokens). The clear columns are
            // what ordering and routing need, and nothing that names a person.
            try db.execute(
                sql: """
                    CREATE TABLE inbox_event (
                        event_id TEXT PRIMARY KEY NOT NULL,
                        event_type TEXT NOT NULL,
                        occurred_at INTEGER NOT NULL,
                        received_at INTEGER NOT NULL,
                        source_kind TEXT NOT NULL,
                        conversation TEXT,
                        sealed_event BLOB,
                        duplicate_count INTEGER NOT NULL DEFAULT 0,
                        processed_at INTEGER
                    ) STRICT;
                    CREATE INDEX inbox_event_pending ON inbox_event (conversation, occurred_at)
                        WHERE processed_at IS NULL;
                    """)
        }
        migrator.registerMigration("v2-outbox") { db in
            // One row per send (up to five messages to one chat). The chat id, the reply token and the text
            // are in sealed_payload; the clear columns are what ordering, retrying and reporting need.
            try db.execute(
                sql: """
                    CREATE TABLE outbox_entry (
                        id TEXT PRIMARY KEY NOT NULL,
                        conversation TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        retry_key TEXT NOT NULL,
                        state TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        reply_token_usable_until INTEGER,
                        reply_outcome_unknown INTEGER NOT NULL DEFAULT 0,
                        first_push_at INTEGER,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER NOT NULL,
                        last_error TEXT,
                        sealed_payload BLOB,
                        UNIQUE (conversation, sequence)
                    ) STRICT;
                    CREATE INDEX outbox_entry_pending ON outbox_entry (conversation, sequence) WHERE state = 'pending';
                    """)
        }
        migrator.registerMigration("v3-push-usage") { db in
            // Pushes LINE accepted, per month in Japan time: free plans cap them; replies are free.
            try db.execute(sql: "CREATE TABLE push_usage (month TEXT PRIMARY KEY NOT NULL, pushes INTEGER NOT NULL) STRICT")
        }
        migrator.registerMigration("v4-triage") { db in
            // conversation: one row per chat pseudonym; its triage state as JSON (no text, no ids) and the LINE
            // id sealed, for addressing sends only.
            // triage_case: the anonymous record statistics are made of; kept after content is destroyed.
            // case_key: each case's content key wrapped by the master key; deleting it destroys the content.
            // case_message: the transcript, each text sealed with its case's key.
            try db.execute(
                sql: """
                    CREATE TABLE conversation (
                        pseudonym TEXT PRIMARY KEY NOT NULL,
                        state TEXT NOT NULL,
                        sealed_address BLOB,
                        updated_at INTEGER NOT NULL
                    ) STRICT;
                    CREATE TABLE triage_case (
                        id TEXT PRIMARY KEY NOT NULL,
                        handle TEXT NOT NULL UNIQUE,
                        conversation TEXT NOT NULL,
                        opened_at INTEGER NOT NULL,
                        topic TEXT,
                        urgency TEXT,
                        priority TEXT,
                        emergency TEXT,
                        out_of_hours INTEGER,
                        queued_at INTEGER,
                        claimed_at INTEGER,
                        closed_at INTEGER,
                        outcome TEXT,
                        referral TEXT,
                        satisfaction TEXT,
                        content_destroyed_at INTEGER
                    ) STRICT;
                    CREATE INDEX triage_case_waiting ON triage_case (priority, queued_at)
                        WHERE queued_at IS NOT NULL AND claimed_at IS NULL AND closed_at IS NULL;
                    CREATE INDEX triage_case_conversation ON triage_case (conversation, opened_at);
                    CREATE TABLE case_key (
                        case_id TEXT PRIMARY KEY NOT NULL,
                        wrapped_key BLOB NOT NULL
                    ) STRICT;
                    CREATE TABLE case_message (
                        id INTEGER PRIMARY KEY,
                        case_id TEXT NOT NULL,
                        at INTEGER NOT NULL,
                        author TEXT NOT NULL,
                        message_ref TEXT,
                        sealed_text BLOB NOT NULL
                    ) STRICT;
                    CREATE INDEX case_message_case ON case_message (case_id, id);
                    CREATE INDEX case_message_ref ON case_message (message_ref) WHERE message_ref IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v5-keyring") { db in
            // keyring: the keys that seal data at rest and key the pseudonyms, each wrapped by a master key
            // (identified by its fingerprint); a master key can change without changing them.
            // case_key.fingerprint: which master key wraps each case key (NULL: the one in use before v5).
            try db.execute(
                sql: """
                    CREATE TABLE keyring (
                        fingerprint TEXT NOT NULL,
                        name TEXT NOT NULL,
                        wrapped BLOB NOT NULL,
                        PRIMARY KEY (fingerprint, name)
                    ) STRICT;
                    ALTER TABLE case_key ADD COLUMN fingerprint TEXT;
                    """)
        }
        migrator.registerMigration("v6-emergency-alert") { db in
            // An emergency alert per detection, committed with the decision that raised it: what the staff API
            // streams to counsellors (category and case only, never text).
            try db.execute(
                sql: """
                    CREATE TABLE emergency_alert (
                        id INTEGER PRIMARY KEY,
                        case_id TEXT NOT NULL,
                        category TEXT NOT NULL,
                        raised_at INTEGER NOT NULL
                    ) STRICT;
                    """)
        }
        migrator.registerMigration("v7-staff-audit") { db in
            // staff: members and the SHA-256 of their token (the token itself is shown once, never stored).
            // audit_log: append-only, hash-chained record of staff actions; never message text.
            try db.execute(
                sql: """
                    CREATE TABLE staff (
                        name TEXT PRIMARY KEY NOT NULL,
                        role TEXT NOT NULL,
                        token_hash BLOB NOT NULL UNIQUE,
                        created_at INTEGER NOT NULL,
                        revoked_at INTEGER
                    ) STRICT;
                    CREATE TABLE audit_log (
                        sequence INTEGER PRIMARY KEY,
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        case_id TEXT,
                        detail TEXT,
                        hash TEXT NOT NULL
                    ) STRICT;
                    """)
        }
        migrator.registerMigration("v8-case-desk") { db in
            // triage_case.counsellor / lease_until: who holds the case now, and until when the claim lasts
            // unless the holder acts on it (claimed_at stays the first claim, for statistics).
            // triage_case_open covers the queue's filter, so listing reads the index and `limit` rows.
            // queue_count: cases waiting unheld, by priority, kept by triggers in every transaction that changes
            // a case, so counting the queue does not walk it (lapsed claims, few, are counted apart).
            // staff_event: the live feed for counsellors (kind and handle only, never text), written in the
            // transaction of whatever it reports.
            try db.execute(
                sql: """
                    ALTER TABLE triage_case ADD COLUMN counsellor TEXT;
                    ALTER TABLE triage_case ADD COLUMN lease_until INTEGER;
                    DROP INDEX triage_case_waiting;
                    CREATE INDEX triage_case_open ON triage_case (priority, queued_at, counsellor, lease_until, closed_at)
                        WHERE queued_at IS NOT NULL AND closed_at IS NULL;
                    CREATE INDEX triage_case_counsellor ON triage_case (counsellor, lease_until)
                        WHERE counsellor IS NOT NULL AND closed_at IS NULL;
                    CREATE TABLE queue_count (priority TEXT PRIMARY KEY NOT NULL, n INTEGER NOT NULL) STRICT;
                    INSERT INTO queue_count (priority, n)
                        SELECT priority, COUNT(*) FROM triage_case
                        WHERE queued_at IS NOT NULL AND closed_at IS NULL AND counsellor IS NULL AND priority IS NOT NULL
                        GROUP BY priority;
                    CREATE TRIGGER queue_count_insert AFTER INSERT ON triage_case
                    WHEN NEW.queued_at IS NOT NULL AND NEW.closed_at IS NULL AND NEW.counsellor IS NULL AND NEW.priority IS NOT NULL
                    BEGIN
                        INSERT INTO queue_count (priority, n) VALUES (NEW.priority, 1)
                            ON CONFLICT (priority) DO UPDATE SET n = n + 1;
                    END;
                    CREATE TRIGGER queue_count_update_old AFTER UPDATE OF queued_at, closed_at, counsellor, priority ON triage_case
                    WHEN OLD.queued_at IS NOT NULL AND OLD.closed_at IS NULL AND OLD.counsellor IS NULL AND OLD.priority IS NOT NULL
                    BEGIN
                        UPDATE queue_count SET n = n - 1 WHERE priority = OLD.priority;
                    END;
                    CREATE TRIGGER queue_count_update_new AFTER UPDATE OF queued_at, closed_at, counsellor, priority ON triage_case
                    WHEN NEW.queued_at IS NOT NULL AND NEW.closed_at IS NULL AND NEW.counsellor IS NULL AND NEW.priority IS NOT NULL
                    BEGIN
                        INSERT INTO queue_count (priority, n) VALUES (NEW.priority, 1)
                            ON CONFLICT (priority) DO UPDATE SET n = n + 1;
                    END;
                    CREATE TRIGGER queue_count_delete AFTER DELETE ON triage_case
                    WHEN OLD.queued_at IS NOT NULL AND OLD.closed_at IS NULL AND OLD.counsellor IS NULL AND OLD.priority IS NOT NULL
                    BEGIN
                        UPDATE queue_count SET n = n - 1 WHERE priority = OLD.priority;
                    END;
                    CREATE TABLE staff_event (
                        id INTEGER PRIMARY KEY,
                        at INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        handle TEXT NOT NULL,
                        priority TEXT,
                        counsellor TEXT,
                        detail TEXT
                    ) STRICT;
                    """)
        }
        migrator.registerMigration("v9-statistics") { db in
            // Statistics read the cases opened in a period; first_response_at is the counsellor's first reply.
            // offline_consultation: phone and in-person consultations counsellors log, so that statistics cover
            // every channel; triage categories only, no personal data.
            try db.execute(
                sql: """
                    CREATE INDEX triage_case_opened ON triage_case (opened_at);
                    ALTER TABLE triage_case ADD COLUMN first_response_at INTEGER;
                    CREATE TABLE offline_consultation (
                        id INTEGER PRIMARY KEY,
                        held_at INTEGER NOT NULL,
                        channel TEXT NOT NULL,
                        topic TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        referral TEXT
                    ) STRICT;
                    CREATE INDEX offline_consultation_held ON offline_consultation (held_at);
                    """)
        }
        migrator.registerMigration("v10-held-words") { db in
            // Her words written before she answered the privacy notice, sealed; destroyed when she declines, or
            // when they are older than the script's firstWords.holdMinutes.
            try db.execute(
                sql: """
                    CREATE TABLE held_words (
                        pseudonym TEXT PRIMARY KEY,
                        held_at INTEGER NOT NULL,
                        sealed_text BLOB NOT NULL
                    ) STRICT;
                    CREATE INDEX held_words_held ON held_words (held_at);
                    """)
        }
        migrator.registerMigration("v11-programme-records") { db in
            // The programme's other services (suit rentals, drop-ins, products, events, the survey figure) and
            // withdrawals of earlier entries: counts and categories as JSON, never a name. dated_on is the day it
            // counts on, in days since 1970-01-01 (Japan time).
            try db.execute(
                sql: """
                    CREATE TABLE programme_record (
                        id INTEGER PRIMARY KEY,
                        kind TEXT NOT NULL,
                        dated_on INTEGER NOT NULL,
                        recorded_at INTEGER NOT NULL,
                        body TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX programme_record_dated ON programme_record (dated_on);
                    """)
        }
        migrator.registerMigration("v12-announcements") { db in
            // Whether the conversation receives the programme's announcements now (she opted in and has not
            // blocked the account): a column, so that `tsunagud announce` finds them without reading every state.
            try db.execute(
                sql: """
                    ALTER TABLE conversation ADD COLUMN announcements INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX conversation_announcements ON conversation (announcements) WHERE announcements = 1;
                    """)
        }
        migrator.registerMigration("v13-queue-ties") { db in
            // Cases queued in the same millisecond are taken by case id (QueueOrder, shared with PostgreSQL): the
            // queue's index carries the id after queued_at, so a listing still reads only `limit` rows, in order.
            try db.execute(
                sql: """
                    CREATE INDEX triage_case_queue ON triage_case (priority, queued_at, id, counsellor, lease_until, closed_at)
                        WHERE queued_at IS NOT NULL AND closed_at IS NULL;
                    DROP INDEX triage_case_open;
                    """)
        }
        migrator.registerMigration("v14-feed-ids") { db in
            // Feed ids are never handed out twice. An INTEGER PRIMARY KEY numbers a new row after the largest id still
            // present, so once the clean-up had deleted every event, ids began again at 1 and a client's cursor
            // skipped the new events; AUTOINCREMENT numbers after the largest id ever used, as PostgreSQL's sequence.
            try db.execute(
                sql: """
                    CREATE TABLE staff_event_numbered (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        at INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        handle TEXT NOT NULL,
                        priority TEXT,
                        counsellor TEXT,
                        detail TEXT
                    ) STRICT;
                    INSERT INTO staff_event_numbered (id, at, kind, handle, priority, counsellor, detail)
                        SELECT id, at, kind, handle, priority, counsellor, detail FROM staff_event;
                    DROP TABLE staff_event;
                    ALTER TABLE staff_event_numbered RENAME TO staff_event;
                    """)
        }
        migrator.registerMigration("v15-keyed-audit") { db in
            // How each audit entry's hash was made: 1, plain SHA-256 (every entry so far), or 2, HMAC under the
            // audit key, which every entry written from now on is.
            try db.execute(sql: "ALTER TABLE audit_log ADD COLUMN chain_version INTEGER NOT NULL DEFAULT 1")
        }
        migrator.registerMigration("v16-seen-events") { db in
            // The keyed digest of every webhook event id received, and the hour: what stays of an event once its
            // inbox row is deleted, so that a late redelivery is still dropped. No content, no link to her.
            try db.execute(
                sql: """
                    CREATE TABLE seen_event (digest BLOB PRIMARY KEY, seen_at INTEGER NOT NULL) STRICT;
                    CREATE INDEX seen_event_seen ON seen_event (seen_at);
                    """)
        }
        migrator.registerMigration("v17-one-case-record") { db in
            // One source of truth for a case: its record and its holder live only in triage_case. The concern, until
            // now only in her state's JSON, gets its column; her state keeps her current case's id (currentCaseID)
            // instead of a copy of its record, and a case in the queue or with a counsellor as {"queued":{}}, without
            // the priority or the holder; the stage moves from "state" to "stage", a key older versions do not read
            // (Conversation+stored). A state that is not JSON (damaged) is left for the operator, as it was.
            try db.execute(
                sql: """
                    ALTER TABLE triage_case ADD COLUMN concern TEXT;
                    UPDATE triage_case SET concern = (
                        SELECT json_extract(state, '$.currentCase.concern') FROM conversation
                        WHERE CASE WHEN json_valid(state) THEN json_extract(state, '$.currentCase.id') = triage_case.id ELSE 0 END)
                    WHERE id IN (
                        SELECT json_extract(state, '$.currentCase.id') FROM conversation
                        WHERE CASE WHEN json_valid(state) THEN json_extract(state, '$.currentCase.concern') IS NOT NULL ELSE 0 END);
                    UPDATE conversation
                        SET state = json_set(json_remove(state, '$.currentCase'), '$.currentCaseID', json_extract(state, '$.currentCase.id'))
                        WHERE CASE WHEN json_valid(state) THEN json_type(state, '$.currentCase') = 'object' ELSE 0 END;
                    UPDATE conversation SET state = json_set(state, '$.state', json('{"queued":{}}'))
                        WHERE CASE WHEN json_valid(state)
                            THEN json_type(state, '$.state.queued') IS NOT NULL OR json_type(state, '$.state.active') IS NOT NULL ELSE 0 END;
                    UPDATE conversation SET state = json_set(json_remove(state, '$.state'), '$.stage', json(json_extract(state, '$.state')))
                        WHERE CASE WHEN json_valid(state) THEN json_type(state, '$.state') = 'object' ELSE 0 END;
                    """)
        }
        return migrator
    }
}
