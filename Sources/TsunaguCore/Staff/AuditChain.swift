import Crypto

/// The hash chain of the audit log, the same for every store: each entry's hash covers the previous entry's
/// hash and its own fields, so changing, removing or reordering any entry breaks every hash after it.
public enum AuditChain {
    /// Lowercase hex SHA-256 of `previous` (the empty string for the first entry) and the entry's fields.
    public static func hash(_ entry: AuditEntry, after previous: String) -> String {
        let digest = SHA256.hash(data: Array(previous.utf8) + entry.chainedFields)
        return digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The entry written after `last` (`nil`: the log is empty), its hash computed.
    public static func entry(
        after last: (sequence: Int64, hash: String)?, at: Int64, actor: String, action: String, caseID: String?, detail: String?
    ) -> AuditEntry {
        var entry = AuditEntry(
            sequence: (last?.sequence ?? 0) + 1, at: at, actor: actor, action: action, caseID: caseID, detail: detail, hash: "")
        entry.hash = hash(entry, after: last?.hash ?? "")
        return entry
    }

    /// The chain's head: the last entry's hash (`nil` for an empty log). Saved off the machine, it shows later
    /// that no entry up to it was removed from the end, which the chain alone cannot show (see ``contains(head:in:)``).
    public static func head(of entries: [AuditEntry]) -> String? { entries.last?.hash }

    /// Whether a chain still contains `savedHead`, an earlier head: `false` when entries were removed from its end
    /// or it was rewritten since.
    public static func contains(head savedHead: String, in entries: [AuditEntry]) -> Bool {
        entries.contains { $0.hash == savedHead.lowercased() }
    }

    /// Recomputes the chain from the first entry (`entries` in sequence order).
    public static func verify(_ entries: [AuditEntry]) -> AuditVerification {
        var previous = ""
        for (index, entry) in entries.enumerated() {
            guard entry.sequence == Int64(index + 1), entry.hash == hash(entry, after: previous) else {
                return AuditVerification(entries: entries.count, firstBroken: entry.sequence)
            }
            previous = entry.hash
        }
        return AuditVerification(entries: entries.count, firstBroken: nil)
    }
}

/// What verifying the audit log found.
public struct AuditVerification: Sendable, Hashable, Codable {
    /// Entries checked.
    public var entries: Int
    /// The first entry whose hash does not match its fields and its predecessor, or whose sequence is not the
    /// next one; `nil` when the whole chain holds.
    public var firstBroken: Int64?

    public var holds: Bool { firstBroken == nil }

    public init(entries: Int, firstBroken: Int64?) {
        self.entries = entries
        self.firstBroken = firstBroken
    }
}
