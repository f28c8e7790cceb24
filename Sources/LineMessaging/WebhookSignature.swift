import Crypto
public import Foundation

/// Verifies and produces the `x-line-signature` of a webhook request.
///
/// The signature is `Base64(HMAC-SHA256(key: channel secret as UTF-8, message: raw body bytes))`. It is checked
/// over the bytes exactly as received, before anything parses them, and compared in constant time on the
/// decoded 32-byte digest so that a forger learns nothing from how long a rejection takes.
public struct WebhookSignature: Sendable {
    private let key: SymmetricKey

    /// - Parameter channelSecret: the channel secret from the LINE Developers Console, used as UTF-8 bytes.
    public init(channelSecret: String) {
        self.key = SymmetricKey(data: Data(channelSecret.utf8))
    }

    /// Whether `signature` (the header value, Base64) authenticates `body`.
    ///
    /// A missing, empty or malformed header is simply not valid: callers answer every failure the same way.
    public func isValid(_ signature: String?, for body: some DataProtocol) -> Bool {
        guard let signature, !signature.isEmpty, signature.utf8.count <= 64,
            let digest = Data(base64Encoded: signature), digest.count == SHA256.byteCount
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(digest, authenticating: body, using: key)
    }

    /// The body, vouched for: `nil` unless `signature` authenticates it. Only a verified body can be decoded.
    public func verify(_ body: Data, signature: String?) -> VerifiedWebhookBody? {
        isValid(signature, for: body) ? VerifiedWebhookBody(bytes: body) : nil
    }

    /// The signature LINE would send for `body`; used by the sandbox and the tests.
    public func sign(_ body: some DataProtocol) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: body, using: key)).base64EncodedString()
    }
}

/// Request bytes whose `x-line-signature` has been checked. Its initialiser is internal to this module, so
/// holding one proves the check ran: the decoder accepts nothing else.
public struct VerifiedWebhookBody: Sendable {
    public let bytes: Data
}
