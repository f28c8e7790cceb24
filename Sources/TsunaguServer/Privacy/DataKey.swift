import Crypto
import Foundation

/// The 32-byte server secret that protects data at rest, and the keys derived from it.
///
/// One secret is simpler to keep than several; HKDF derives independent keys for sealing (AES-GCM), for
/// pseudonyms (HMAC-SHA256) and for wrapping each case's own content key, so no use can weaken another.
public struct DataKey: Sendable {
    let sealingKey: SymmetricKey
    let pseudonymKey: SymmetricKey
    let wrappingKey: SymmetricKey

    /// - Parameter base64: standard Base64 of exactly 32 bytes; surrounding whitespace is ignored.
    /// - Returns: `nil` when the text is not such a key.
    public init?(base64: String) {
        let trimmed = base64.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: trimmed), bytes.count == 32 else { return nil }
        let root = SymmetricKey(data: bytes)
        self.sealingKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: root, info: Data("tsunagu/seal/v1".utf8), outputByteCount: 32)
        self.pseudonymKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: root, info: Data("tsunagu/pseudonym/v1".utf8), outputByteCount: 32)
        self.wrappingKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: root, info: Data("tsunagu/case-key-wrap/v1".utf8), outputByteCount: 32)
    }

    /// A fresh random key, Base64-encoded, as `scripts/run` generates for the sandbox.
    public static func generateBase64() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }
}
