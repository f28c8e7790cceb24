import Crypto
import Foundation
import TsunaguCore

/// Who may read `GET /metrics`.
///
/// The page tells when the service is busy and when an emergency was just answered, so it is not public even on
/// the staff listener: with `TSUNAGU_METRICS_TOKEN` set, Prometheus must send it as a bearer token; without one,
/// the page is served only while the staff listener is on loopback (a scraper on the same machine), and
/// otherwise not at all (404).
public enum MetricsAccess: Sendable, Equatable {
    /// `Authorization: Bearer TOKEN` is required.
    case bearer(String)
    /// No token, on a loopback staff listener: anyone who reaches it may read.
    case loopback
    /// No token and a staff listener other machines reach: `/metrics` is not served.
    case off

    public init(token: String?, staffHost: String) {
        if let token { self = .bearer(token) } else { self = LoopbackHost.contains(staffHost) ? .loopback : .off }
    }

    /// Whether a request with this `Authorization` header may read the page (constant time in the token).
    func admits(authorization: String?) -> Bool {
        switch self {
        case .loopback: return true
        case .off: return false
        case .bearer(let token):
            guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return false }
            let given = SHA256.hash(data: Data(authorization.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8))
            let expected = SHA256.hash(data: Data(token.utf8))
            // Comparing digests of equal length keeps the comparison's time independent of the token.
            return given.withUnsafeBytes { a in expected.withUnsafeBytes { b in zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0 } }
        }
    }
}
