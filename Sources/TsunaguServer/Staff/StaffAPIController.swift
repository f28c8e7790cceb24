public import Hummingbird
import TsunaguCore
public import TsunaguStore

/// The staff API under `/api/v1` on the staff listener: bearer-token authentication, JSON both ways.
///
/// - `GET /api/v1/me`: who the token belongs to (name and role);
/// - `GET /api/v1/queue`: waiting cases, emergency and urgent first, then the longest waiting (counsellors
///   and supervisors; no text, no ids of her).
public struct StaffAPIController<Context: RequestContext>: Sendable {
    let authenticator: StaffAuthenticator
    let cases: SQLiteCaseStore

    public init(database: SQLiteDatabase) {
        self.authenticator = StaffAuthenticator(store: SQLiteStaffStore(database: database))
        self.cases = SQLiteCaseStore(database: database)
    }

    struct Me: ResponseEncodable {
        var name: String
        var role: String
    }

    struct Queue: ResponseEncodable {
        var cases: [QueueItem]
    }

    public func addRoutes(to router: Router<Context>) {
        let api = router.group("api/v1")
        api.get("me") { request, _ -> Me in
            let member = try await authenticator.member(for: request)
            return Me(name: member.name, role: member.role.rawValue)
        }
        api.get("queue") { request, _ -> Queue in
            _ = try await authenticator.member(for: request, allowing: [.counsellor, .supervisor])
            return Queue(cases: try await cases.waiting())
        }
    }
}
