import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguServer
import TsunaguTesting

@Suite("Failed staff authentications")
struct StaffAuthenticationTests {
    @Test("each wrong token is logged without the token; past the budget the listener answers 429, except to a token that just worked")
    func loggedAndLimited() async throws {
        let clock = ManualClock(at: 1_000_000)
        let harness = try TestHarness(authenticationGuard: { logger in AuthenticationGuard(budget: 3, logger: logger, clock: clock.clock) })
        let sato = try await harness.addStaff("sato", .counsellor)
        let suzuki = try await harness.addStaff("suzuki", .counsellor)
        try await harness.staffApp().test(.router) { client in
            func me(_ token: String?) async throws -> TestResponse {
                var headers = HTTPFields()
                if let token { headers[.authorization] = "Bearer \(token)" }
                return try await client.execute(uri: "/api/v1/me", method: .get, headers: headers)
            }
            expectStatus(.ok, try await me(sato))
            expectStatus(.unauthorized, try await me(nil))  // No token is not a guess: not counted.
            for guess in 1...3 { expectStatus(.unauthorized, try await me("tsu_guess-\(guess)")) }
            // Limited: another guess, and even a real token not seen lately, are refused unchecked.
            let limited = try await me("tsu_guess-4")
            expectStatus(.tooManyRequests, limited)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            expectStatus(.tooManyRequests, try await me(suzuki))
            // The counsellor whose token just worked is not locked out.
            expectStatus(.ok, try await me(sato))
            // A minute later the limit lifts.
            clock.advance(by: 60_000)
            expectStatus(.ok, try await me(suzuki))
        }
        let failures = harness.logs.entries.filter { $0.message.description == "Staff authentication failed" }
        #expect(failures.count == 5, "\(failures.map(\.metadata))")
        #expect(harness.logs.entries.contains { $0.message.description.hasPrefix("Too many failed staff authentications") })
        for entry in harness.logs.entries {
            let line = "\(entry.message) \(entry.metadata)"
            #expect(!line.contains("tsu_"), "a log line quotes a token: \(line)")
        }
    }
}
