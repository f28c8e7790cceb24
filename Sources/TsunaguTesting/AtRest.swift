import Foundation
public import TsunaguSQLite

/// Searching a database for bytes where they rest, for the forensic tests.
public enum AtRest {
    /// Which of `needles` the SQLite files at `database` hold — the database file (free pages included) and its
    /// write-ahead log — once any scrub asked for after a destruction has run.
    public static func leftover(_ needles: [[UInt8]], in database: SQLiteDatabase) async throws -> [[UInt8]] {
        _ = await eventually { !database.isScrubPending }
        let bytes = try [database.path, database.path + "-wal"].flatMap { path in
            FileManager.default.fileExists(atPath: path) ? Array(try Data(contentsOf: URL(fileURLWithPath: path))) : []
        }
        return needles.filter { bytes.contains($0) }
    }

    /// Which of `needles` a `pg_dump` of the database at `url` holds, as text or as `bytea` (lower-case hex).
    public static func leftover(_ needles: [[UInt8]], inDumpOf url: String) async throws -> [[UInt8]] {
        let dump = try await TestPostgres.dump(url: url)
        return needles.filter { needle in
            dump.contains(String(decoding: needle, as: UTF8.self)) || dump.contains(needle.map { String(format: "%02x", $0) }.joined())
        }
    }
}
