import Foundation
import GRDB
import Logging
import PostgresNIO
import TsunaguTesting

/// What a chaos round checks, read from the database the daemons shared: SQLite's file or PostgreSQL. The
/// queries are the same on both; only the reading differs.
struct ChaosFacts: CustomStringConvertible {
    var processedEvents: Set<String> = []
    var unprocessed = 0
    var sendsByState: [String: Int] = [:]
    /// Delivered sends by conversation (her pseudonym).
    var deliveredByConversation: [String: Int] = [:]
    /// Each entry's retry key → its conversation and its place in it.
    var sequences: [String: (conversation: String, sequence: Int)] = [:]
    var queuedCases = 0
    var openCases = 0
    /// Sends still leased to an instance (PostgreSQL only; always 0 on SQLite).
    var leasedSends = 0

    var pendingSends: Int { sendsByState["pending", default: 0] }
    var description: String { "\(unprocessed) events unprocessed, \(pendingSends) sends pending, \(leasedSends) leased" }

    enum Database {
        case sqlite(path: String)
        case postgres(url: String)
    }

    private static let processed = "SELECT event_id FROM inbox_event WHERE processed_at IS NOT NULL"
    private static let unprocessedCount = "SELECT COUNT(*) FROM inbox_event WHERE processed_at IS NULL"
    private static let states = "SELECT state, COUNT(*) FROM outbox_entry GROUP BY state"
    private static let entries = "SELECT retry_key, conversation, sequence FROM outbox_entry"
    private static let deliveredSends = "SELECT conversation, COUNT(*) FROM outbox_entry WHERE state = 'delivered' GROUP BY conversation"
    private static let queued = "SELECT COUNT(*) FROM triage_case WHERE queued_at IS NOT NULL"
    private static let open = "SELECT COUNT(*) FROM triage_case WHERE queued_at IS NOT NULL AND closed_at IS NULL"
    private static let leased = "SELECT COUNT(*) FROM outbox_entry WHERE leased_by IS NOT NULL"

    /// Only the counts, for polling until the round has drained.
    static func read(_ database: Database, countsOnly: Bool = false) async throws -> ChaosFacts {
        switch database {
        case .sqlite(let path): try readSQLite(path, countsOnly: countsOnly)
        case .postgres(let url): try await readPostgres(url, countsOnly: countsOnly)
        }
    }

    private static func readSQLite(_ path: String, countsOnly: Bool) throws -> ChaosFacts {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            var facts = ChaosFacts()
            facts.unprocessed = try Int.fetchOne(db, sql: unprocessedCount) ?? -1
            for row in try Row.fetchAll(db, sql: states) { facts.sendsByState[row[0]] = row[1] }
            if countsOnly { return facts }
            facts.processedEvents = Set(try String.fetchAll(db, sql: processed))
            for row in try Row.fetchAll(db, sql: entries) { facts.sequences[row[0]] = (row[1], row[2]) }
            for row in try Row.fetchAll(db, sql: deliveredSends) { facts.deliveredByConversation[row[0]] = row[1] }
            facts.queuedCases = try Int.fetchOne(db, sql: queued) ?? -1
            facts.openCases = try Int.fetchOne(db, sql: open) ?? -1
            return facts
        }
    }

    private static func readPostgres(_ url: String, countsOnly: Bool) async throws -> ChaosFacts {
        let connection = try await TestPostgres.connect(to: url)
        let logger = Logger(label: "chaos")
        do {
            func count(_ sql: String) async throws -> Int {
                for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) { return value }
                return -1
            }
            var facts = ChaosFacts()
            facts.unprocessed = try await count(unprocessedCount)
            for try await (state, n) in try await connection.query(PostgresQuery(unsafeSQL: states), logger: logger).decode((String, Int).self) {
                facts.sendsByState[state] = n
            }
            facts.leasedSends = try await count(leased)
            if !countsOnly {
                for try await id in try await connection.query(PostgresQuery(unsafeSQL: processed), logger: logger).decode(String.self) {
                    facts.processedEvents.insert(id)
                }
                for try await (key, conversation, sequence) in try await connection.query(PostgresQuery(unsafeSQL: entries), logger: logger)
                    .decode((String, String, Int).self)
                {
                    facts.sequences[key] = (conversation, sequence)
                }
                for try await (conversation, n) in try await connection.query(PostgresQuery(unsafeSQL: deliveredSends), logger: logger)
                    .decode((String, Int).self)
                {
                    facts.deliveredByConversation[conversation] = n
                }
                facts.queuedCases = try await count(queued)
                facts.openCases = try await count(open)
            }
            try await connection.close()
            return facts
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
