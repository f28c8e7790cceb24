import Foundation
public import Hummingbird
import TsunaguCore

/// What `tsunagud staff` and `tsunagud audit` do, for admins on the staff listener (the web console's admin page):
///
/// - `GET /api/v1/staff`: every member, revoked ones included (never a token);
/// - `POST /api/v1/staff` `{"name", "role"}`: adds a member and answers their token, once (201);
/// - `POST /api/v1/staff/{name}/revoke`: revokes a member's token at once (404 when no active member has the name);
/// - `GET /api/v1/audit[?limit=N]`: the newest `limit` (200; 1–5000) entries of the audit log, newest first;
/// - `GET /api/v1/audit/verify`: the hash chain recomputed.
///
/// Every change is written to the audit log by the staff store, with the admin's name.
public struct AdminController<Context: RequestContext>: Sendable {
    let authenticator: StaffAuthenticator
    let staff: any StaffStore
    let audit: any AuditLog

    public init(stores: StoreSet, authenticationGuard: AuthenticationGuard) {
        self.authenticator = StaffAuthenticator(store: stores.staff, guard: authenticationGuard)
        self.staff = stores.staff
        self.audit = stores.audit
    }

    struct Staff: ResponseEncodable { var staff: [StaffMember] }
    struct AddRequest: Decodable {
        var name: String
        var role: StaffRole
    }
    struct Added: ResponseEncodable {
        var name: String
        var role: StaffRole
        var token: String
    }
    struct Revoked: ResponseEncodable {
        var name: String
        var status: String
    }
    struct Audit: ResponseEncodable {
        var entries: [AuditEntry]
        var total: Int
    }

    public func addRoutes(to router: Router<Context>) {
        let api = router.group("api/v1")
        api.get("staff") { request, _ -> Staff in
            _ = try await authenticator.member(for: request, allowing: [.admin])
            return Staff(staff: try await staff.list())
        }
        api.post("staff") { request, _ -> EditedResponse<Added> in
            let admin = try await authenticator.member(for: request, allowing: [.admin])
            guard let body = try await decode(AddRequest.self, from: request) else {
                throw APIError(.badRequest, code: "invalid_body", "Send {\"name\", \"role\"}.")
            }
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
            guard (1...32).contains(body.name.count), body.name.allSatisfy(allowed.contains) else {
                throw APIError(.unprocessableContent, code: "invalid_name", "A name is 1 to 32 letters, digits, '-', '_' or '.'.")
            }
            let token = StaffToken.generate()
            do {
                _ = try await staff.add(name: body.name, role: body.role, tokenHash: StaffToken.hash(token), by: admin.name)
            } catch is StaffNameTaken {
                throw APIError(.conflict, code: "name_taken", "A member of staff with that name exists already; choose another name.")
            }
            return EditedResponse(status: .created, response: Added(name: body.name, role: body.role, token: token))
        }
        api.post("staff/:name/revoke") { request, context -> Revoked in
            let admin = try await authenticator.member(for: request, allowing: [.admin])
            let name = context.parameters.get("name") ?? ""
            guard try await staff.revoke(name: name, by: admin.name) else {
                throw APIError(.notFound, code: "staff_not_found", "No active member of staff has that name; see the staff list.")
            }
            return Revoked(name: name, status: "revoked")
        }
        api.get("audit") { request, _ -> Audit in
            _ = try await authenticator.member(for: request, allowing: [.admin])
            let limit = try integer(in: request, "limit", default: 200, in: 1...5000)
            let entries = try await audit.entries()
            return Audit(entries: Array(entries.suffix(limit).reversed()), total: entries.count)
        }
        api.get("audit/verify") { request, _ -> AuditVerification in
            _ = try await authenticator.member(for: request, allowing: [.admin])
            return try await audit.verify()
        }
    }
}

extension AuditVerification: ResponseEncodable {}
