import Foundation
import GRDB
import Glibc
import TsunaguCore
public import TsunaguPersistence

/// `tsunagud export`: writes every row of the SQLite database to a ``TransferFile``, read in one snapshot, so
/// the file is consistent even while the server runs (stop it first anyway, or what arrives later is not in
/// the file).
public enum SQLiteExport {
    /// Writes the file to `path`, created owner-only; refuses to replace an existing file. `database` is chained
    /// with its audit key (``SQLiteDatabase/chained(with:)``): the audit chain is verified before anything is written.
    /// - Returns: the header written (its counts).
    @discardableResult
    public static func write(_ database: SQLiteDatabase, to path: String) async throws -> TransferFile.Header {
        // O_EXCL: never replace a file, least of all an earlier export.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw TransferError("Cannot create \(path) (it may exist already); choose a new file in a writable folder.")
        }
        let file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        return try await database.writer.read { db in
            let entries = try SQLiteAuditLog.entries(in: db)
            guard database.auditChain.isKeyed else { throw AuditKeyMissing() }
            let verification = database.auditChain.verify(entries)
            guard verification.holds else {
                throw TransferError("The audit log does not hold from entry \(verification.firstBroken ?? 0) on; it is not exported.")
            }
            var counts: [String: Int] = [:]
            var columns: [String: [String]] = [:]
            for table in TransferFile.tables {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
                columns[table] = try db.columns(in: table).map(\.name)
            }
            let header = TransferFile.Header(counts: counts, columns: columns, auditEntries: entries.count, auditHead: entries.last?.hash)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            var buffer = Data(TransferFile.headerMarker.utf8) + [0x09] + (try encoder.encode(header)) + [0x0A]
            for table in TransferFile.tables {
                let names = columns[table] ?? []
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) ORDER BY rowid")
                while let row = try rows.next() {
                    var values: [String: TransferFile.Value] = [:]
                    for (index, name) in names.enumerated() { values[name] = Self.value(row[index] as DatabaseValue) }
                    buffer += Data(table.utf8) + [0x09] + (try encoder.encode(values)) + [0x0A]
                    if buffer.count >= 1 << 20 {
                        try file.write(contentsOf: buffer)
                        buffer.removeAll(keepingCapacity: true)
                    }
                }
            }
            try file.write(contentsOf: buffer)
            try file.synchronize()
            return header
        }
    }

    private static func value(_ value: DatabaseValue) -> TransferFile.Value {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .integer(integer)
        case .double(let real): .real(real)
        case .string(let text): .text(text)
        case .blob(let data): .bytes(Array(data))
        }
    }
}
