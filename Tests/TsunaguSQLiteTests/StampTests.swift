import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguTesting

/// Rows are stamped by the clock the database was opened with, on both backends, so a test can pin when a member of
/// staff was added and revoked and when the audit log says so. Before the clock was injected, each store read the
/// wall clock itself and no test could.
@Suite("Rows stamped by the injected clock")
struct StampTests {
    static let start: Int64 = 1_765_000_000_000

    @Test("SQLite stamps staff and audit rows by its clock")
    func sqlite() async throws {
        let folder = try TemporaryDirectory()  // Lives until the check ends.
        try await staffAndAuditAreStamped(on: .sqlite(folder))
    }

    @Test(
        "PostgreSQL stamps staff and audit rows by its clock",
        .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
    func postgres() async throws {
        try await staffAndAuditAreStamped(on: .postgres)
    }

    private func staffAndAuditAreStamped(on backend: Backend) async throws {
        let clock = ManualClock(at: Self.start)
        let stores = try await backend.makeStores(clock: clock.clock)
        _ = try await stores.staff.add(name: "sato", role: .counsellor, tokenHash: [UInt8](repeating: 7, count: 32), by: "operator")
        clock.advance(by: 60_000)
        #expect(try await stores.staff.revoke(name: "sato", by: "operator"))
        let member = try #require(try await stores.staff.list().first)
        #expect(member.createdAt == Self.start && member.revokedAt == Self.start + 60_000)
        #expect(try await stores.audit.entries().map(\.at) == [Self.start, Self.start + 60_000])
    }
}
