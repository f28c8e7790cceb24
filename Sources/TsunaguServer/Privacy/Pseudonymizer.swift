import Crypto
import Foundation
public import TsunaguCore

/// Turns a LINE chat id into its keyed pseudonym (HMAC-SHA256 with a key derived from the data key,
/// truncated to 128 bits, hex).
///
/// This is the boundary after which no LINE id travels: the inbox, the core, logs and metrics see only the
/// pseudonym. Without the key, the pseudonym of a known id cannot be computed, so it cannot be looked up.
public struct Pseudonymizer: Sendable {
    private let key: SymmetricKey

    public init(dataKey: DataKey) { self.key = dataKey.pseudonymKey }

    public func pseudonym(of chatID: String) -> Pseudonym {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(chatID.utf8), using: key)
        return Pseudonym(rawValue: mac.prefix(16).hexString)
    }
}
