import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TsunaguCore
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

@Suite("Staff API")
struct StaffAPITests {
    private func insertCases(into harness: TestHarness) async throws {
        let queue = try DatabaseQueue(path: harness.database.path)
        try await queue.write { db in
            let rows: [(String, String, Int64, Bool, Bool)] = [  // handle, priority, queued at, claimed, closed
                ("NRM1", "normal", 1_000, false, false), ("NRM2", "normal", 2_000, false, false),
                ("EMG1", "emergency", 5_000, false, false), ("URG1", "urgent", 4_000, false, false),
                ("TAKN", "urgent", 500, true, false), ("DONE", "normal", 100, false, true),
            ]
            for (handle, priority, queuedAt, claimed, closed) in rows {
                try db.execute(
                    sql: """
                        INSERT INTO triage_case (id, handle, conversation, opened_at, topic, priority, out_of_hours, queued_at,
                            claimed_at, counsellor, lease_until, closed_at)
                        VALUES (?, ?, 'pseudonym-of-her-chat', 0, 'work', ?, 0, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        "case-" + handle, handle, priority, queuedAt, claimed ? queuedAt + 1 : nil, claimed ? "sato" : nil,
                        claimed ? Int64.max : nil, closed ? queuedAt + 1 : nil,
                    ])
            }
        }
        try queue.close()
    }

    private func get(_ uri: String, token: String?, on client: some TestClientProtocol) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: uri, method: .get, headers: headers)
    }

    @Test func aTokenIdentifiesItsMemberAndNothingElseDoes() async throws {
        let harness = try TestHarness()
        let token = try await harness.addStaff("sato", .counsellor)
        try await harness.staffApp().test(.router) { client in
            let missing = try await get("/api/v1/me", token: nil, on: client)
            expectStatus(.unauthorized, missing)
            #expect(missing.headers[.wwwAuthenticate] == "Bearer")
            #expect(String(buffer: missing.body).contains(#""code":"unauthorized""#))
            expectStatus(.unauthorized, try await get("/api/v1/me", token: "tsu_forged", on: client))
            let me = try await get("/api/v1/me", token: token, on: client)
            expectStatus(.ok, me)
            #expect(String(buffer: me.body).contains(#""name":"sato""#))
        }
        _ = try await SQLiteStaffStore(database: harness.database).revoke(name: "sato", by: "test")
        try await harness.staffApp().test(.router) { client in
            expectStatus(.unauthorized, try await get("/api/v1/me", token: token, on: client))
        }
    }

    @Test func theQueueIsOrderedByPriorityThenWaitAndCarriesNoIdentity() async throws {
        let harness = try TestHarness()
        try await insertCases(into: harness)
        let counsellor = try await harness.addStaff("sato", .counsellor)
        let admin = try await harness.addStaff("root", .admin)
        try await harness.staffApp().test(.router) { client in
            let response = try await get("/api/v1/queue", token: counsellor, on: client)
            expectStatus(.ok, response)
            struct Queue: Decodable { var cases: [QueueItem] }
            let queue = try JSONDecoder().decode(Queue.self, from: Data(String(buffer: response.body).utf8))
            #expect(queue.cases.map(\.handle) == ["EMG1", "URG1", "NRM1", "NRM2"])
            #expect(!String(buffer: response.body).contains("pseudonym-of-her-chat"))
            let forbidden = try await get("/api/v1/queue", token: admin, on: client)
            expectStatus(.forbidden, forbidden)
            #expect(String(buffer: forbidden.body).contains(#""code":"forbidden""#))
        }
    }
}
