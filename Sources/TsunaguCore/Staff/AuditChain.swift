public import Crypto

/// The chain of the audit log, the same for every store: each entry's hash covers the previous entry's hash and
/// its own fields, so changing, removing or reordering any entry breaks every hash after it.
///
/// Why keyed: a plain hash chain only shows accidents, because whoever can write the database can rewrite an entry
/// and recompute every hash after it. Entries are therefore chained with HMAC-SHA256 under a key derived from the
/// data keyring (never stored in the database), so a rewritten chain no longer verifies without the key. Entries
/// written before the chain was keyed keep their plain SHA-256 hash and are verified that way (``Version``); once
/// a keyed entry appears, an unkeyed one after it is a break, so a rewrite cannot downgrade part of the chain.
/// Downgrading the whole keyed tail is caught only against a head saved off the machine (``contains(head:in:)``).
public struct AuditChain: Sendable {
    /// How an entry's hash was made, stored with each entry.
    public enum Version: Int, Sendable, Hashable, Codable, CaseIterable {
        /// Plain SHA-256: entries written before the chain was keyed.
        case unkeyed = 1
        /// HMAC-SHA256 under the audit key: every entry written now.
        case keyed = 2
    }

    /// `nil`: a command run without the data key, which can read the log but neither append nor verify keyed entries.
    private let key: SymmetricKey?

    /// - Parameter key: the audit key, derived from the data keyring (`DataKey.auditChain` in the server).
    public init(key: SymmetricKey) { self.key = key }

    private init(unkeyed: Void) { self.key = nil }

    /// A chain without its key: appending throws ``AuditKeyMissing``, and keyed entries never verify.
    public static let withoutKey = AuditChain(unkeyed: ())

    /// Whether this chain has its key (and so can append and verify keyed entries).
    public var isKeyed: Bool { key != nil }

    /// Opens the chain of the database whose keyring is given: how the commands that copy a database (backup,
    /// restore, export, import) verify the copy, whose audit key is in the copy's own keyring.
    public typealias Opener = @Sendable (any KeyStore) async throws -> AuditChain

    /// The entry written after `last` (`nil`: the log is empty), keyed.
    /// - Throws: ``AuditKeyMissing`` when the chain has no key.
    public func entry(
        after last: (sequence: Int64, hash: String)?, at: Int64, actor: String, action: String, caseID: String?, detail: String?
    ) throws -> AuditEntry {
        guard let key else { throw AuditKeyMissing() }
        var entry = AuditEntry(
            sequence: (last?.sequence ?? 0) + 1, at: at, actor: actor, action: action, caseID: caseID, detail: detail, hash: "",
            chainVersion: Version.keyed.rawValue)
        entry.hash = Self.hex(Self.mac(entry, after: last?.hash ?? "", key: key))
        return entry
    }

    /// Recomputes the chain from the first entry (`entries` in sequence order): unkeyed entries by SHA-256, keyed
    /// ones by HMAC under this chain's key (each compared in constant time).
    public func verify(_ entries: [AuditEntry]) -> AuditVerification {
        var previous = ""
        var keyedSeen = false
        var unkeyed = 0
        for (index, entry) in entries.enumerated() {
            let holds: Bool
            switch entry.version {
            case .unkeyed:
                unkeyed += 1
                holds = !keyedSeen && entry.hash == Self.hex(SHA256.hash(data: Array(previous.utf8) + entry.chainedFields))
            case .keyed:
                keyedSeen = true
                holds =
                    key.map { key in
                        guard let mac = Self.bytes(ofHex: entry.hash) else { return false }
                        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Self.macInput(entry, after: previous), using: key)
                    } ?? false
            case nil:
                holds = false
            }
            guard entry.sequence == Int64(index + 1), holds else {
                return AuditVerification(entries: entries.count, firstBroken: entry.sequence, unkeyedEntries: unkeyed)
            }
            previous = entry.hash
        }
        return AuditVerification(entries: entries.count, firstBroken: nil, unkeyedEntries: unkeyed)
    }

    /// The chain's head: the last entry's hash (`nil` for an empty log). Saved off the machine, it shows later
    /// that no entry up to it was removed from the end, which the chain alone cannot show (see ``contains(head:in:)``).
    public static func head(of entries: [AuditEntry]) -> String? { entries.last?.hash }

    /// Whether a chain still contains `savedHead`, an earlier head: `false` when entries were removed from its end
    /// or it was rewritten since.
    public static func contains(head savedHead: String, in entries: [AuditEntry]) -> Bool {
        entries.contains { $0.hash == savedHead.lowercased() }
    }

    /// What a keyed entry's MAC covers: the previous hash, the version, then the fields (each length-prefixed).
    private static func macInput(_ entry: AuditEntry, after previous: String) -> [UInt8] {
        Array(previous.utf8) + Array("v\(Version.keyed.rawValue):".utf8) + entry.chainedFields
    }

    private static func mac(_ entry: AuditEntry, after previous: String, key: SymmetricKey) -> HMAC<SHA256>.MAC {
        HMAC<SHA256>.authenticationCode(for: macInput(entry, after: previous), using: key)
    }

    /// Lowercase hex, two digits a byte: how hashes are stored.
    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    private static func bytes(ofHex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}

/// An audit entry to write, and no key to chain it with: the command was run without the data key.
public struct AuditKeyMissing: Error, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String {
        "Writing or verifying the audit log needs the data key; set TSUNAGU_DATA_KEY_FILE (or TSUNAGU_DATA_KEY) as the service has it."
    }
}

/// What verifying the audit log found.
public struct AuditVerification: Sendable, Hashable, Codable {
    /// Entries checked.
    public var entries: Int
    /// The first entry whose hash does not match its fields and its predecessor, or whose sequence is not the
    /// next one; `nil` when the whole chain holds.
    public var firstBroken: Int64?
    /// Entries written before the chain was keyed, checked by plain SHA-256 (they lead the chain); the rest were
    /// checked with the key.
    public var unkeyedEntries: Int

    public var holds: Bool { firstBroken == nil }

    public init(entries: Int, firstBroken: Int64?, unkeyedEntries: Int = 0) {
        self.entries = entries
        self.firstBroken = firstBroken
        self.unkeyedEntries = unkeyedEntries
    }
}
