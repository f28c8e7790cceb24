import Foundation
public import Hummingbird
public import TsunaguCore

/// Finds the member of staff behind a request's bearer token, or refuses with 401 (429 while failures are
/// limited, see ``AuthenticationGuard``).
///
/// Only the token's SHA-256 is looked up; the token itself is never logged or stored.
public struct StaffAuthenticator: Sendable {
    private let store: any StaffStore
    private let guardian: AuthenticationGuard

    public init(store: any StaffStore, guard guardian: AuthenticationGuard) {
        self.store = store
        self.guardian = guardian
    }

    public func member(for request: Request) async throws -> StaffMember {
        // The web console's session, checked by ConsoleSessionMiddleware (cookie and CSRF token).
        if request.headers[.authorization] == nil, let session = ConsoleSessions.current {
            guard let member = try await store.member(withTokenHash: session.tokenHash) else { throw APIError.unauthorized }
            return member
        }
        // No token at all is not a guess (a browser before its login): refused, neither logged nor counted.
        guard let header = request.headers[.authorization] else { throw APIError.unauthorized }
        guard header.hasPrefix("Bearer "), header.count < 256 else { throw refusal("malformed") }
        return try await member(withToken: String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces))
    }

    /// The member a token belongs to, checked under the same limit and logging as a bearer token (the web
    /// console's login form is one more place to guess at).
    public func member(withToken token: String) async throws -> StaffMember {
        guard !token.isEmpty, token.count < 256 else { throw refusal("malformed") }
        let hash = StaffToken.hash(token)
        guard guardian.mayCheck(tokenHash: hash) else { throw refusal("limited") }
        guard let member = try await store.member(withTokenHash: hash) else { throw refusal("unknown") }
        guardian.succeeded(tokenHash: hash)
        return member
    }

    /// Logs the failure; 429 while limited, 401 otherwise.
    private func refusal(_ reason: String) -> APIError {
        guardian.failed(reason: reason)
        return reason == "limited" ? .tooManyAttempts(retryAfter: guardian.retryAfterSeconds()) : .unauthorized
    }

    /// The member, if their role is one of `roles`; 403 otherwise.
    public func member(for request: Request, allowing roles: Set<StaffRole>) async throws -> StaffMember {
        let member = try await member(for: request)
        guard roles.contains(member.role) else {
            throw APIError.forbidden(roles.map(\.rawValue).sorted().joined(separator: " or "))
        }
        return member
    }
}
