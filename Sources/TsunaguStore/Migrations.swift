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
        return migrator
    }
}
