import Foundation
import Glibc
import Logging
import PostgresNIO
public import TsunaguCore
import TsunaguPersistence

/// `tsunagud import`: loads a ``TransferFile`` written by `tsunagud export` into an empty PostgreSQL database, in
/// one transaction, and checks that every table has exactly the rows the file counted; then checks the audit
/// chain as PostgreSQL now holds it. A failure anywhere leaves the database as empty as it was.
public enum PostgresImport {
    /// What was imported and verified.
    public struct Report: Sendable, Hashable, Codable {
        public var counts: [String: Int]
        public var audit: AuditVerification
    }

    /// Rows per statement: each batch is one `json_populate_recordset`.
    static let batchSize = 500

    /// - Parameter chain: opens the imported audit chain from the imported keyring (the data key's).
    public static func load(from path: String, into database: SharedDatabase, chain: AuditChain.Opener) async throws -> Report {
        let lines = try LineReader(path: path)
        guard let first = lines.next(), first.hasPrefix(TransferFile.headerMarker + "\t"),
            let header = try? JSONDecoder().decode(
                TransferFile.Header.self, from: Data(first.dropFirst(TransferFile.headerMarker.count + 1).utf8)),
            header.version == 1
        else {
            throw TransferError("\(path) is not a file written by tsunagud export.")
        }
        let logger = database.logger
        try await database.transaction { connection in
            try await refuseUnlessEmpty(connection, logger: logger)
            let columns = try await insertableColumns(header, connection, logger: logger)
            var table = ""
            var batch: [Substring] = []
            func flush() async throws {
                guard !batch.isEmpty, let names = columns[table] else { return }
                let list = names.map { "\"\($0)\"" }.joined(separator: ", ")
                var binds = PostgresBindings()
                binds.append("[" + batch.joined(separator: ",") + "]")
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: "INSERT INTO \(table) (\(list)) SELECT \(list) FROM json_populate_recordset(NULL::\(table), $1::json)",
                        binds: binds),
                    logger: logger)
                batch.removeAll(keepingCapacity: true)
            }
            while let line = lines.next() {
                guard let tab = line.firstIndex(of: "\t") else { throw TransferError("\(path) has a line that is not a row.") }
                let rowTable = String(line[..<tab])
                guard columns[rowTable] != nil else { throw TransferError("\(path) has rows of an unknown table.") }
                if rowTable != table || batch.count == batchSize {
                    try await flush()
                    table = rowTable
                }
                batch.append(line[line.index(after: tab)...])
            }
            try await flush()
            for numbered in TransferFile.numberedTables {
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(numbered)', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \(numbered)
                            """),
                    logger: logger)
            }
            // The feed's ids are SQLite's, so that a counsellor's client reading "after N" carries on.
            try await connection.query("UPDATE staff_event SET feed_id = id WHERE feed_id IS NULL", logger: logger)
            try await connection.query(
                "SELECT setval('staff_feed_id', COALESCE(MAX(feed_id), 0) + 1, false) FROM staff_event", logger: logger)
            for table in TransferFile.tables {
                var count = -1
                for try await n in try await connection.query(PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(table)"), logger: logger)
                    .decode(Int.self)
                {
                    count = n
                }
                let expected = header.counts[table] ?? 0
                guard count == expected else {
                    throw TransferError(
                        "\(table) has \(count) rows after the import, not the \(expected) the file counts; nothing was imported.")
                }
            }
        }
        let log = PostgresAuditLog(database: database.chained(with: try await chain(PostgresKeyStore(database: database))))
        let entries = try await log.entries()
        let audit = log.chain.verify(entries)
        guard audit.holds, entries.count == header.auditEntries, entries.last?.hash == header.auditHead else {
            throw TransferError("The imported audit log does not match the exported one; drop the database and import again.")
        }
        return Report(counts: header.counts, audit: audit)
    }

    private static func refuseUnlessEmpty(_ connection: PostgresConnection, logger: Logger) async throws {
        let sum = TransferFile.tables.map { "(SELECT COUNT(*) FROM \($0))" }.joined(separator: " + ")
        for try await rows in try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(sum)"), logger: logger).decode(Int.self)
        where rows > 0 {
            throw TransferError("The PostgreSQL database already holds data; import only into a new, empty database.")
        }
    }

    /// Each table's columns to copy: the source's, every one of which the target must have.
    private static func insertableColumns(
        _ header: TransferFile.Header, _ connection: PostgresConnection, logger: Logger
    ) async throws -> [String: [String]] {
        var target: [String: Set<String>] = [:]
        for try await (table, column) in try await connection.query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = current_schema()",
            logger: logger
        ).decode((String, String).self) {
            target[table, default: []].insert(column)
        }
        var columns: [String: [String]] = [:]
        for table in TransferFile.tables {
            let source = header.columns[table] ?? []
            let missing = source.filter { !(target[table]?.contains($0) ?? false) }
            guard missing.isEmpty else {
                throw TransferError("The PostgreSQL database has no column \(table).\(missing[0]); run tsunagud migrate with this version first.")
            }
            columns[table] = source
        }
        return columns
    }
}

/// Reads a file a line at a time (a transfer file can be far larger than memory should hold).
private final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    init(path: String) throws {
        guard let file = fopen(path, "r") else { throw TransferError("Cannot read \(path).") }
        self.file = file
    }

    deinit {
        free(buffer)
        fclose(file)
    }

    /// The next line without its newline; `nil` at the end.
    func next() -> String? {
        let length = getline(&buffer, &capacity, file)
        guard length > 0, let buffer else { return nil }
        var line = String(cString: buffer)
        if line.hasSuffix("\n") { line.removeLast() }
        return line
    }
}
