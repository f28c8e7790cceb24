import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import LineMessaging
import Logging
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// The real webhook and staff routers over a real SQLite file (or, for the suites that run on both backends, a
/// PostgreSQL database of their own), with logs captured at trace level.
struct TestHarness {
    let directory: TemporaryDirectory
    /// The database the stores work on.
    let backing: HarnessDatabase
    let dependencies: ServerDependencies
    let logs = InMemoryLogHandler()
    let fixtures = WebhookFixtures()
    let maxBodyBytes: Int

    /// - Parameter decider: made with the harness's logger; when given, the inbox answers what it stores.
    init(
        maxBodyBytes: Int = 64 * 1024, clock: WallClock = RealTime.clock, metrics: TsunaguMetrics = TsunaguMetrics(),
        decider: ((Logger) -> TriageDecider)? = nil, desk: CaseDesk.Settings = CaseDesk.Settings(),
        authenticationGuard: ((Logger) -> AuthenticationGuard)? = nil
    ) throws {
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase.open(path: directory.path("tsunagu.sqlite"), clock: clock).chained(with: AuditForgery.testChain)
        self.init(directory: directory, backing: .sqlite(database), maxBodyBytes: maxBodyBytes) { logger in
            ServerDependencies(
                database: database, channelSecret: TestSecrets.channelSecret, dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!,
                decider: decider?(logger), desk: desk, metrics: metrics, authenticationGuard: authenticationGuard?(logger), clock: clock)
        }
    }

    /// On `backend`: SQLite as above, or a new PostgreSQL database with the stores `tsunagud` uses there (the inbox
    /// only stores; the processor answers).
    init(
        backend: HarnessBackend, clock: WallClock, metrics: TsunaguMetrics, decider: ((Logger) -> TriageDecider)?,
        desk: CaseDesk.Settings
    ) async throws {
        guard backend == .postgres else {
            try self.init(clock: clock, metrics: metrics, decider: decider, desk: desk)
            return
        }
        let (database, url) = try await TestPostgres.makeDatabaseWithURL(clock: clock)
        self.init(directory: try TemporaryDirectory(), backing: .postgres(database, url: url), maxBodyBytes: 64 * 1024) { logger in
            ServerDependencies(
                stores: .postgres(database, instance: "test"), channelSecret: TestSecrets.channelSecret,
                dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!, decider: decider?(logger), desk: desk, metrics: metrics, clock: clock)
        }
    }

    private init(
        directory: TemporaryDirectory, backing: HarnessDatabase, maxBodyBytes: Int, dependencies: (Logger) -> ServerDependencies
    ) {
        self.directory = directory
        self.backing = backing
        self.maxBodyBytes = maxBodyBytes
        var logger = Logger(label: "test") { [logs] _ in logs }
        logger.logLevel = .trace
        self.dependencies = dependencies(logger)
    }

    /// The SQLite database, for the tests that read its files; a test on PostgreSQL must not ask for it.
    var database: SQLiteDatabase {
        guard case .sqlite(let database) = backing else { preconditionFailure("This test reads SQLite's files; run it on SQLite.") }
        return database
    }

    var logger: Logger {
        var logger = Logger(label: "test") { _ in logs }
        logger.logLevel = .trace
        return logger
    }

    func webhookApp() -> some ApplicationProtocol {
        Application(router: buildWebhookRouter(dependencies: dependencies, maxBodyBytes: maxBodyBytes), logger: logger)
    }

    /// The staff listener's routes; `/metrics` as on a loopback listener without a token, unless told otherwise.
    func staffApp(metricsAccess: MetricsAccess = .loopback) -> some ApplicationProtocol {
        Application(router: buildStaffRouter(dependencies: dependencies, metricsAccess: metricsAccess), logger: logger)
    }

    func counts() async throws -> InboxCounts { try await dependencies.inbox.counts() }

    /// Adds a member of staff and returns their token.
    func addStaff(_ name: String, _ role: StaffRole) async throws -> String {
        let token = StaffToken.generate()
        _ = try await dependencies.stores.staff.add(name: name, role: role, tokenHash: StaffToken.hash(token), by: "test")
        return token
    }
}

extension TestClientProtocol {
    /// Posts `body` to `/webhook`, signed unless a signature header is given explicitly.
    @discardableResult
    func postWebhook(
        _ body: Data, signature: String? = nil, signatureHeaderName: String = "x-line-signature", sign: Bool = true
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let value = signature ?? (sign ? WebhookFixtures().sign(body) : nil) {
            headers[HTTPField.Name(signatureHeaderName)!] = value
        }
        return try await execute(uri: "/webhook", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }
}

/// `#expect(response.status == expected)`, usable with `try await` in test-client closures, where the
/// macro's expansion cannot see the closure's `throws`.
func expectStatus(
    _ expected: HTTPResponse.Status, _ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == expected, sourceLocation: sourceLocation)
}
