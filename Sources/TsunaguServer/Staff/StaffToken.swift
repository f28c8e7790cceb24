import Crypto
import Foundation

/// A staff member's bearer token: 256 random bits, shown once, stored only as its SHA-256.
///
/// A plain hash suffices (no salt, no slow KDF): the token is random and as long as a key, so there is
/// nothing to guess, and a lookup by hash stays one indexed query.
public enum StaffToken {
    /// `tsu_` and 43 characters of Base64url.
    public static func generate() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return "tsu_"
            + bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Data(token.utf8))) }
}
