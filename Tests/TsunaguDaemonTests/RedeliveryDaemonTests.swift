import Foundation
import HTTPTypes
import LineMessaging
import LineSandbox
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguTesting

/// LINE redelivers events after Tsunagu was unreachable, and `tsunagud` is killed while the answers are at LINE
/// and unanswered: after the restart, no answer may be counted as shown that was not.
@Suite("Redelivered events across a kill", .serialized)
struct RedeliveryDaemonTests {
    static let accessToken = "redelivery-token"

    @Test(
        "killed while answers to redelivered events are in flight: after the restart each woman is shown her answer once, and no reply is tried with a dead token"
    )
    func killedMidAnswer() async throws {
        let sandbox = LineSandbox(
            configuration: .init(
                now: RealTime.now, newID: RealTime.newID, accessToken: Self.accessToken, channelSecret: TestSecrets.channelSecret))
        sandbox.faults = SandboxFaults(latencyMilliseconds: 2_000)
        try await sandbox.serve { baseURL in
            let directory = try TemporaryDirectory()
            let databasePath = directory.path("redelivery.sqlite")
            let environment = DaemonProcess.environment(
                database: databasePath,
                extra: [
                    "LINE_API_BASE_URL": baseURL, "LINE_CHANNEL_ACCESS_TOKEN": Self.accessToken,
                ])
            let daemon = try DaemonProcess(environment: environment)
            let port = try await daemon.port(of: "webhook")
            // Half of them redelivered 30 minutes after the event (the token is dead), half 10 minutes after (it
            // works again for a minute).
            let users = (0..<10).map { String(format: "Ur%031x", $0) }
            for (number, user) in users.enumerated() {
                let age: TimeInterval = number.isMultiple(of: 2) ? 30 * 60 : 10 * 60
                let event = sandbox.redelivery(of: sandbox.event(.follow(unblocked: false), from: user, at: Date() - age))
                #expect(await ChaosRound.post(sandbox.signed([event]), to: port) == .ok)
            }
            // Every woman's first answer is at LINE, unanswered, when the daemon dies.
            #expect(await eventually { sandbox.arrivedRequests >= users.count })
            daemon.kill(SIGKILL)
            _ = try await daemon.waitForExit()
            sandbox.faults = SandboxFaults()

            let restarted = try DaemonProcess(environment: environment)
            _ = try await restarted.port(of: "webhook")
            let reader = SQLiteOutboxStore(database: try SQLiteDatabase.openReadOnly(path: databasePath, clock: RealTime.clock))
            let settled = try await eventually(within: .seconds(30)) { try await reader.counts().byState["pending"] == 0 }
            restarted.kill(SIGTERM)
            _ = try await restarted.waitForExit()

            #expect(settled, "sends still pending")
            let delivered = try await reader.counts().byState["delivered", default: 0]
            #expect(Set(sandbox.deliveries.map(\.request)).count == delivered, "a send counted as delivered was not shown, or shown twice")
            for user in users {
                let texts = sandbox.deliveries(to: user).map(\.message.text)
                #expect(!texts.isEmpty, "a woman was never answered")
                #expect(Set(texts).count == texts.count, "a woman was shown an answer twice")
            }
            #expect(sandbox.expiredReplyAttempts == 0, "a reply was tried with a dead token")
        }
    }
}
