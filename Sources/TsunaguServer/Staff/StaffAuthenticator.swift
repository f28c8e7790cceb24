import Foundation
public import Hummingbird
public import TsunaguCore

/// Finds the member of staff behind a request's bearer token, or refuses with 401.
///
/// Only the token's SHA-256 is looked up; the token itself is never logged or stored.
public struct StaffAuthenticator: Sendable {
    private let store: any StaffStore

    public init(store: any StaffStore) { self.store = store }

    public func member(for request: Request) async throws -> StaffMember {
        // The web console's session, checked by ConsoleSessionMiddleware (cookie and CSRF token).
        if request.headers[.authorization] == nil, let session = ConsoleSessions.current {
            guard let member = try await store.member(withTokenHash: session.tokenHash) else { throw APIError.unauthorized }
            return member
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "), header.count < 256 else {
            throw APIError.unauthorized
        }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let member = try await store.member(withTokenHash: StaffToken.hash(token)) else { throw APIError.unauthorized }
        return member
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
