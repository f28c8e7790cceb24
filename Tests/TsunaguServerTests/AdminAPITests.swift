import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TsunaguCore
import TsunaguServer

/// `/api/v1/staff` and `/api/v1/audit`: what `tsunagud staff` and `tsunagud audit` do, for admins only.
@Suite("Admin API")
struct AdminAPITests {
    private func call(
        _ method: HTTPRequest.Method, _ uri: String, token: String, body: String? = nil, on client: some TestClientProtocol
    ) async throws -> TestResponse {
        try await client.execute(
            uri: uri, method: method, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
            body: body.map { ByteBuffer(string: $0) })
    }

    @Test func anAdminAddsListsAndRevokesStaffAndEveryChangeIsAudited() async throws {
        let harness = try TestHarness()
        let admin = try await harness.addStaff("root", .admin)
        let supervisor = try await harness.addStaff("tanaka", .supervisor)
        try await harness.staffApp().test(.router) { client in
            for uri in ["/api/v1/staff", "/api/v1/audit", "/api/v1/audit/verify"] {
                expectStatus(.forbidden, try await call(.get, uri, token: supervisor, on: client))
            }
            let added = try await call(.post, "/api/v1/staff", token: admin, body: #"{"name": "sato", "role": "counsellor"}"#, on: client)
            expectStatus(.created, added)
            struct Added: Decodable { var token: String }
            let token = try JSONDecoder().decode(Added.self, from: Data(String(buffer: added.body).utf8)).token
            expectStatus(.ok, try await call(.get, "/api/v1/me", token: token, on: client))
            expectStatus(.conflict, try await call(.post, "/api/v1/staff", token: admin, body: #"{"name": "sato", "role": "admin"}"#, on: client))
            expectStatus(
                .unprocessableContent, try await call(.post, "/api/v1/staff", token: admin, body: #"{"name": "佐藤", "role": "admin"}"#, on: client))
            let list = String(buffer: try await call(.get, "/api/v1/staff", token: admin, on: client).body)
            #expect(list.contains(#""name":"sato""#) && !list.contains(token))

            expectStatus(.ok, try await call(.post, "/api/v1/staff/sato/revoke", token: admin, on: client))
            expectStatus(.unauthorized, try await call(.get, "/api/v1/me", token: token, on: client))
            expectStatus(.notFound, try await call(.post, "/api/v1/staff/sato/revoke", token: admin, on: client))

            let audit = String(buffer: try await call(.get, "/api/v1/audit?limit=2", token: admin, on: client).body)
            #expect(audit.contains(#""actor":"root""#) && audit.contains(#""total":4"#), "\(audit)")
            let verified = String(buffer: try await call(.get, "/api/v1/audit/verify", token: admin, on: client).body)
            #expect(verified.contains(#""entries":4"#) && !verified.contains("firstBroken\":1"), "\(verified)")
        }
    }
}
