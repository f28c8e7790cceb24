import Crypto
import Foundation
public import TsunaguCore

/// What someone who can write the database, but has no audit key, can do to the audit log: recompute its chain
/// with plain SHA-256, as every entry was hashed before the chain was keyed. Tests use it to write such old entries
/// and to forge rewritten chains that must not verify.
public enum AuditForgery {
    /// The chain, keyed, that the tests' data key (``TestSecrets/dataKeyBase64``) gives a database without a keyring.
    ///
    /// Derived here as the server's `DataKey.auditChain` derives it (HKDF to the sealing key, HKDF again to the
    /// audit key), so that this target, and every test target using it, does not link the server; a test in
    /// `TsunaguServerTests` checks that the two agree.
    public static let testChain: AuditChain = {
        func derive(_ key: SymmetricKey, _ info: String) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(info.utf8), outputByteCount: 32)
        }
        let root = SymmetricKey(data: Data(base64Encoded: TestSecrets.dataKeyBase64)!)
        return AuditChain(key: derive(derive(root, "tsunagu/seal/v1"), "tsunagu/audit-chain/v1"))
    }()

    /// `entries` (in sequence order) with every hash from `from` on recomputed by plain SHA-256, each entry marked
    /// with `version` (keep `.keyed` to forge without the key; `.unkeyed` to pass the entries off as old ones).
    public static func rechained(_ entries: [AuditEntry], from: Int64 = 1, as version: AuditChain.Version) -> [AuditEntry] {
        var previous = ""
        return entries.map { entry in
            var entry = entry
            if entry.sequence >= from {
                entry.chainVersion = version.rawValue
                entry.hash = unkeyedHash(entry, after: previous)
            }
            previous = entry.hash
            return entry
        }
    }

    /// Entries as versions before the keyed chain wrote them: unkeyed, each chained to the one before.
    public static func unkeyedEntries(_ actions: [String], at: Int64 = 1_765_000_000_000) -> [AuditEntry] {
        rechained(
            actions.enumerated().map { index, action in
                AuditEntry(
                    sequence: Int64(index + 1), at: at + Int64(index), actor: "operator", action: action, caseID: nil, detail: nil, hash: "",
                    chainVersion: AuditChain.Version.unkeyed.rawValue)
            }, as: .unkeyed)
    }

    /// The plain SHA-256 chain hash: lowercase hex of the previous hash and the entry's fields.
    public static func unkeyedHash(_ entry: AuditEntry, after previous: String) -> String {
        SHA256.hash(data: Array(previous.utf8) + entry.chainedFields).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
