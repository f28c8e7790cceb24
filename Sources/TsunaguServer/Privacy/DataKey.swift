import Crypto
import Foundation
public import TsunaguCore

/// The keys that protect data at rest: the sealing key (AES-GCM), the pseudonym key (HMAC-SHA256), and the
/// master key's wrapping key for each case's content key.
///
/// Made from the 32-byte master key (`TSUNAGU_DATA_KEY`): HKDF derives independent keys from it, so no use
/// can weaken another. Once a database has a keyring (see ``Keyring``), the sealing and pseudonym keys come
/// from the keyring instead, wrapped by the master key, so that the master key can be rotated without
/// changing any pseudonym or resealing anything.
public struct DataKey: Sendable {
    let sealingKey: SymmetricKey
    let pseudonymKey: SymmetricKey
    /// The wrapping key of every master key this process knows, by fingerprint.
    let wrappingKeys: [String: SymmetricKey]
    /// The fingerprint of the master key new case keys are wrapped with.
    public let fingerprint: String

    /// - Parameter base64: standard Base64 of exactly 32 bytes; surrounding whitespace is ignored.
    /// - Returns: `nil` when the text is not such a key.
    public init?(base64: String) {
        let trimmed = base64.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: trimmed), bytes.count == 32 else { return nil }
        let root = SymmetricKey(data: bytes)
        func derive(_ info: String) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: root, info: Data(info.utf8), outputByteCount: 32)
        }
        self.sealingKey = derive("tsunagu/seal/v1")
        self.pseudonymKey = derive("tsunagu/pseudonym/v1")
        let wrapping = derive("tsunagu/case-key-wrap/v1")
        // A fingerprint names the key in the database without revealing anything about it.
        let fingerprint = wrapping.withUnsafeBytes { SHA256.hash(data: Data($0)) }.prefix(8).hexString
        self.wrappingKeys = [fingerprint: wrapping]
        self.fingerprint = fingerprint
    }

    init(sealingKey: SymmetricKey, pseudonymKey: SymmetricKey, wrappingKeys: [String: SymmetricKey], fingerprint: String) {
        self.sealingKey = sealingKey
        self.pseudonymKey = pseudonymKey
        self.wrappingKeys = wrappingKeys
        self.fingerprint = fingerprint
    }

    /// The audit log's chain, keyed with HKDF from the sealing key: from the keyring's once it is opened, so the
    /// key outlives a rotation of the master key (the keyring keeps the sealing key), and is never the sealing key itself.
    public var auditChain: AuditChain { AuditChain(key: subkey(of: sealingKey, "tsunagu/audit-chain/v1")) }

    /// The key of the digests that remember webhook events after their inbox rows are gone (``EventSealer``).
    var eventDigestKey: SymmetricKey { subkey(of: pseudonymKey, "tsunagu/event-digest/v1") }

    private func subkey(of key: SymmetricKey, _ info: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(info.utf8), outputByteCount: 32)
    }

    /// This master key's own wrapping key.
    var wrappingKey: SymmetricKey { wrappingKeys[fingerprint]! }

    /// A fresh random key, Base64-encoded, as `scripts/run` generates for the sandbox.
    public static func generateBase64() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }
}
