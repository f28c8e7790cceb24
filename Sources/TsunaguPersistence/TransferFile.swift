/// The file `tsunagud export` writes and `tsunagud import` reads: a whole deployment's database, to move it from
/// the embedded SQLite to a shared PostgreSQL.
///
/// One line per row, `TABLE<TAB>{"column": value, …}`, after a header line `#tsunagu-transfer<TAB>{…}` that
/// counts every table's rows and names the audit chain's last hash, so the import can check that it has all of
/// them. Why lines and not one JSON document: a year's transcripts are a million rows, and each line can be
/// passed on without holding the rest. Values are as stored: sealed bytes stay sealed (as `\x` and hex, the way
/// PostgreSQL writes `bytea`), so the file holds no message text and no LINE id, but it is as sensitive as the
/// database itself.
public enum TransferFile {
    /// The tables copied, in an order in which every row's references come before it.
    public static let tables = [
        "keyring", "staff", "audit_log", "conversation", "triage_case", "case_key", "case_message", "held_words", "emergency_alert",
        "staff_event", "offline_consultation", "inbox_event", "seen_event", "outbox_entry", "push_usage",
    ]

    /// Tables whose `id` the target numbers itself from a sequence, to be moved past the copied ids.
    public static let numberedTables = ["case_message", "emergency_alert", "staff_event", "offline_consultation"]

    public static let headerMarker = "#tsunagu-transfer"

    public struct Header: Codable, Sendable, Hashable {
        public var version = 1
        /// Rows per table.
        public var counts: [String: Int]
        /// Columns per table, as the source has them.
        public var columns: [String: [String]]
        /// The audit chain's length and last hash at export, checked again after the import.
        public var auditEntries: Int
        public var auditHead: String?

        public init(counts: [String: Int], columns: [String: [String]], auditEntries: Int, auditHead: String?) {
            self.counts = counts
            self.columns = columns
            self.auditEntries = auditEntries
            self.auditHead = auditHead
        }
    }

    /// One stored value.
    public enum Value: Encodable, Sendable, Hashable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case bytes([UInt8])

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .null: try container.encodeNil()
            case .integer(let value): try container.encode(value)
            case .real(let value): try container.encode(value)
            case .text(let value): try container.encode(value)
            case .bytes(let value): try container.encode(Self.hex(value))
            }
        }

        /// PostgreSQL's text form of `bytea`.
        static func hex(_ bytes: [UInt8]) -> String {
            let digits = Array("0123456789abcdef".utf8)
            var text = [UInt8]("\\x".utf8)
            text.reserveCapacity(2 + bytes.count * 2)
            for byte in bytes {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0f)])
            }
            return String(decoding: text, as: UTF8.self)
        }
    }
}

/// Why a transfer file or its target was refused, in one sentence.
public struct TransferError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
