import Foundation
public import Hummingbird
import NIOCore
import ServiceLifecycle
public import TsunaguCore

/// The staff API under `/api/v1` on the staff listener: bearer-token authentication, JSON both ways, errors
/// as `{"error": {"code", "message"}}`. Nothing it answers carries an id of her; only the counsellor holding a
/// case reads its text. See `docs/staff-api.md` for every route.
public struct StaffAPIController<Context: RequestContext>: Sendable {
    let authenticator: StaffAuthenticator
    let cases: any CaseStore
    let desk: CaseDesk?
    let feed: Doorbell?
    /// The server's clock: the queue's waiting times are reckoned by it.
    let clock: WallClock

    /// The page size of the live feed.
    static var eventPage: Int { 200 }

    public init(
        stores: StoreSet, authenticationGuard: AuthenticationGuard, desk: CaseDesk? = nil, feed: Doorbell? = nil, clock: WallClock
    ) {
        self.authenticator = StaffAuthenticator(store: stores.staff, guard: authenticationGuard)
        self.cases = stores.cases
        self.desk = desk
        self.feed = feed
        self.clock = clock
    }

    public func addRoutes(to router: Router<Context>) {
        let api = router.group("api/v1")
        api.get("me") { request, _ -> StaffAPI.Me in
            let member = try await authenticator.member(for: request)
            return StaffAPI.Me(name: member.name, role: member.role.rawValue)
        }
        api.get("queue") { request, _ -> StaffAPI.Queue in
            _ = try await authenticator.member(for: request, allowing: [.counsellor, .supervisor])
            let limit = try integer(in: request, "limit", default: 50, in: 1...1000)
            let now = clock.now()
            let (items, waiting) = try await cases.queue(now: now, limit: limit)
            return StaffAPI.Queue(
                cases: items, waiting: Dictionary(uniqueKeysWithValues: Priority.queueOrder.map { ($0.rawValue, waiting[$0] ?? 0) }))
        }
        api.post("queue/claim") { request, context -> CaseSummary in
            let (member, desk) = try await counsellor(request)
            let body = try await decode(StaffAPI.ClaimRequest.self, from: request, allowEmpty: true) ?? StaffAPI.ClaimRequest()
            return try await refusing { try await desk.claim(body.handle.map(CaseSelector.handle) ?? .next, by: member) }
        }
        api.get("mine") { request, _ -> StaffAPI.Mine in
            let (member, desk) = try await counsellor(request)
            try await desk.keepClaimsAlive(of: member)
            return StaffAPI.Mine(cases: try await cases.held(by: member.name), limit: desk.settings.casesPerCounsellor)
        }
        api.get("cases/:handle") { request, context -> CaseDetail in
            let (member, desk) = try await counsellor(request)
            let after = try integer(in: request, "after", default: 0, in: 0...Int.max)
            return try await refusing { try await desk.show(try handle(context), after: Int64(after), by: member) }
        }
        api.post("cases/:handle/release") { request, context -> StaffAPI.Done in
            let (member, desk) = try await counsellor(request)
            let handle = try handle(context)
            try await refusing { try await desk.release(handle, by: member) }
            return StaffAPI.Done(handle: handle, status: "released")
        }
        api.post("cases/:handle/transfer") { request, context -> StaffAPI.Done in
            let (member, desk) = try await counsellor(request)
            let handle = try handle(context)
            let body = try await decode(StaffAPI.TransferRequest.self, from: request, allowEmpty: true) ?? StaffAPI.TransferRequest()
            try await refusing { try await desk.transfer(handle, to: body.to, by: member) }
            return StaffAPI.Done(handle: handle, status: body.to.map { "transferred to \($0)" } ?? "back in the queue")
        }
        api.post("cases/:handle/reply") { request, context -> StaffAPI.Done in
            let (member, desk) = try await counsellor(request)
            let handle = try handle(context)
            let body = try await decode(StaffAPI.TextRequest.self, from: request)
            try await refusing {
                switch (body?.text, body?.canned) {
                case (let text?, nil): try await desk.reply(handle, text: text, by: member)
                case (nil, let canned?): try await desk.reply(handle, canned: canned, by: member)
                default: throw APIError(.badRequest, code: "invalid_body", "Send either {\"text\": …} or {\"canned\": …}.")
                }
            }
            return StaffAPI.Done(handle: handle, status: "sent")
        }
        api.post("cases/:handle/notes") { request, context -> StaffAPI.Done in
            let (member, desk) = try await counsellor(request)
            let handle = try handle(context)
            guard let text = try await decode(StaffAPI.TextRequest.self, from: request)?.text else {
                throw APIError(.badRequest, code: "invalid_body", "Send the note as {\"text\": …}.")
            }
            try await refusing { try await desk.note(handle, text: text, by: member) }
            return StaffAPI.Done(handle: handle, status: "noted")
        }
        api.post("cases/:handle/close") { request, context -> StaffAPI.Closed in
            let (member, desk) = try await counsellor(request)
            let handle = try handle(context)
            guard let body = try await decode(StaffAPI.CloseRequest.self, from: request) else {
                throw APIError(.badRequest, code: "invalid_body", "Send {\"outcome\": …} (and \"referral\" if you referred her).")
            }
            let closed = try await refusing { try await desk.close(handle, outcome: body.outcome, referral: body.referral, by: member) }
            return StaffAPI.Closed(handle: closed.handle, status: "closed", priority: closed.priority, outcome: body.outcome, referral: body.referral)
        }
        api.get("canned") { request, _ -> StaffAPI.Templates in
            let (_, desk) = try await counsellor(request)
            return StaffAPI.Templates(templates: desk.cannedReplies())
        }
        api.get("choices") { request, _ -> StaffAPI.Choices in
            let (_, desk) = try await counsellor(request)
            return StaffAPI.Choices(
                outcomes: desk.script.outcomes.map { StaffAPI.Choice(id: $0.id, label: $0.label) },
                partners: desk.script.partners.map { StaffAPI.Choice(id: $0.id, label: $0.name) })
        }
        api.get("handover") { request, _ -> StaffAPI.Handover in
            let (member, desk) = try await counsellor(request)
            return try await desk.handover(by: member)
        }
        api.get("events") { request, _ -> StaffAPI.Events in
            let member = try await authenticator.member(for: request, allowing: [.counsellor, .supervisor])
            let wait = try integer(in: request, "wait", default: 25, in: 0...60)
            guard let after = request.uri.queryParameters.get("after") else {
                return StaffAPI.Events(events: [], cursor: try await cases.latestEventID())
            }
            guard let cursor = Int64(after), cursor >= 0 else {
                throw APIError(.badRequest, code: "invalid_query", "after must be the cursor of a previous answer, a whole number.")
            }
            if member.role == .counsellor { try await desk?.keepClaimsAlive(of: member) }
            return try await events(after: cursor, for: member, waitingUpTo: .seconds(wait))
        }
    }

    /// Visible events after `cursor`, waiting up to `wait` for the first (long-poll). The feed's doorbell wakes
    /// it; a poll each second catches what another process committed. A server shutting down answers at once,
    /// so that SIGTERM is not held up by waiting clients.
    private func events(after cursor: Int64, for member: StaffMember, waitingUpTo wait: Duration) async throws -> StaffAPI.Events {
        let deadline = ContinuousClock.now + wait
        var cursor = cursor
        while true {
            let events = try await cases.events(after: cursor, limit: Self.eventPage)
            cursor = events.last?.id ?? cursor
            let visible = events.filter { $0.isVisible(to: member) }
            if !visible.isEmpty || ContinuousClock.now >= deadline || Task.isCancelled || Task.isShuttingDownGracefully {
                return StaffAPI.Events(events: visible, cursor: cursor)
            }
            if events.count == Self.eventPage { continue }  // A full page: read on without waiting.
            let remaining = deadline - ContinuousClock.now
            if let feed { await feed.wait(upTo: min(remaining, .seconds(1))) } else { try await Task.sleep(for: min(remaining, .seconds(1))) }
        }
    }

    private func counsellor(_ request: Request) async throws -> (StaffMember, CaseDesk) {
        let member = try await authenticator.member(for: request, allowing: [.counsellor])
        guard let desk else {
            throw APIError(.serviceUnavailable, code: "unavailable", "Case work is not available on this server; ask the operator.")
        }
        return (member, desk)
    }

    private func handle(_ context: Context) throws -> String {
        guard let handle = context.parameters.get("handle"), (4...10).contains(handle.count),
            handle.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { throw APIError(.badRequest, code: "invalid_handle", "A case handle is 4 to 10 letters and digits, such as A7K2.") }
        return handle.uppercased()
    }

    /// Turns a ``CaseRefusal`` into the API's error.
    private func refusing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let refusal as CaseRefusal {
            throw APIError(refusal)
        }
    }
}

// Answered as they are.
extension CaseSummary: ResponseEncodable {}
extension CaseDetail: ResponseEncodable {}
extension StaffAPI.Me: ResponseEncodable {}
extension StaffAPI.Queue: ResponseEncodable {}
extension StaffAPI.Mine: ResponseEncodable {}
extension StaffAPI.Choices: ResponseEncodable {}
extension StaffAPI.Templates: ResponseEncodable {}
extension StaffAPI.Events: ResponseEncodable {}
extension StaffAPI.Done: ResponseEncodable {}
extension StaffAPI.Closed: ResponseEncodable {}
extension StaffAPI.Recorded: ResponseEncodable {}
extension StaffAPI.Handover: ResponseEncodable {}
