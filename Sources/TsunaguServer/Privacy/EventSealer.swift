import Crypto
public import Foundation

/// Seals what must not be readable at rest (raw events, with their user ids and text) with AES-GCM.
///
/// Each sealed value is bound to the row it belongs to through the associated data (e.g. the event id), so a
/// sealed blob copied into another row does not open.
public struct EventSealer: Sendable {
    private let key: SymmetricKey
    private let digestKey: SymmetricKey

    public init(dataKey: DataKey) {
        self.key = dataKey.sealingKey
        self.digestKey = dataKey.eventDigestKey
    }

    /// A keyed digest of a webhook event id (``InboxEvent/eventDigest``): the same id always gives the same digest,
    /// and without the key the digest cannot be matched to an id.
    public func digest(ofEventID eventID: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(eventID.utf8), using: digestKey))
    }

    /// `nonce ‖ ciphertext ‖ tag`.
    public func seal(_ plaintext: some DataProtocol, boundTo context: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8))
        return Array(box.combined!)  // Always present with the default 12-byte nonce.
    }

    /// Opens a value sealed by ``seal(_:boundTo:)`` with the same context; throws if it was tampered with.
    public func open(_ sealed: [UInt8], boundTo context: String) throws -> Data {
        try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: Data(context.utf8))
    }
}
