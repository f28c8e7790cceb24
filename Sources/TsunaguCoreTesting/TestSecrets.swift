public import Foundation

/// Secrets and identifiers used across tests: distinctive, so a leak check can search for them.
public enum TestSecrets {
    public static let channelSecret = "test-channel-secret-5f1c0a"
    /// A fixed 32-byte data key, Base64.
    public static let dataKeyBase64 = Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()
    /// A LINE-shaped user id.
    public static func userID(_ n: Int) -> String { "U" + String(format: "%032x", 0xfeed_0000 + n) }
}
