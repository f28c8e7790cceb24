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
        return migrator
    }
}
