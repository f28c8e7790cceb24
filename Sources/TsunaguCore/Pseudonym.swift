/// A keyed pseudonym of a LINE chat (a user, group or room id): `HMAC(server secret, id)`, hex-encoded.
///
/// It is stable, so one person's events can be ordered and found again, but it cannot be turned back into
/// the LINE id without the server's key. It is the only form of identity that crosses into the core, the
/// store, logs or metrics.
public struct Pseudonym: Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
}
