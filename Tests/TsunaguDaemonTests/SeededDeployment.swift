import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LineSandbox
import NIOCore
import Testing
import TsunaguCoreTesting
import TsunaguServer
import TsunaguTesting

/// A running SQLite deployment with something in it, for the commands that copy or move one (export and import,
/// backup and restore), and the check that the copy still opens: a counsellor reads her words from it.
struct SeededDeployment {
    /// The counsellor's staff token.
    let token: String
    /// `tsunagud serve` on the deployment, still running.
    let daemon: DaemonProcess

    /// Adds a counsellor, starts `tsunagud`, takes two women (`users`) through the triage into the queue, each
    /// ending with `words`, and waits until every event is processed and every answer delivered.
    static func start(
        sandbox: LineSandbox, environment: [String: String], webhookPort: Int, users: [Int], words: String
    ) async throws -> SeededDeployment {
        let token = try await runDaemonCommand(["staff", "add", "sato", "--role", "counsellor"], environment: environment)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let daemon = try DaemonProcess(environment: environment)
        _ = try await daemon.port(of: "webhook")
        for user in users.map(TestSecrets.userID) {
            let events: [PhoneEvent] = [
                .follow(unblocked: false), .postback("consent:yes"), .postback("topic:work"), .postback("urgency:today"), .text(words),
            ]
            for event in events {
                #expect(await ChaosRound.post(sandbox.signed([sandbox.event(event, from: user)]), to: webhookPort) == .ok)
            }
        }
        let settled = await eventually(within: .seconds(30), every: .milliseconds(50)) {
            let inbox = try? await runDaemonCommand(["inbox", "--json"], environment: environment)
            let outbox = try? await runDaemonCommand(["outbox", "--json"], environment: environment)
            return inbox?.stdout.contains(#""pending":0"#) == true && inbox?.stdout.contains(#""processed":\#(users.count * 5)"#) == true
                && outbox?.stdout.contains(#""pending":0"#) == true
        }
        #expect(settled, "the events were not all answered and delivered")
        return SeededDeployment(token: token, daemon: daemon)
    }

    /// Starts `tsunagud` on `environment`, has the counsellor claim the next case and read it, and stops it.
    /// - Returns: whether the transcript she read holds `words`.
    static func counsellorReads(_ words: String, token: String, environment: [String: String], staffPort: Int) async throws -> Bool {
        let server = try DaemonProcess(environment: environment)
        _ = try await server.port(of: "staff")
        let claim = try await call(.post, "/api/v1/queue/claim", token: token, port: staffPort)
        #expect(claim.status == .ok)
        let handle = try #require(try JSONSerialization.jsonObject(with: claim.body) as? [String: Any])["handle"] as? String
        let read = try await call(.get, "/api/v1/cases/\(try #require(handle))", token: token, port: staffPort)
        server.kill(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        return read.status == .ok && String(decoding: read.body, as: UTF8.self).contains(words)
    }

    static func call(_ method: HTTPRequest.Method, _ uri: String, token: String, port: Int) async throws -> (status: HTTPResponse.Status, body: Data)
    {
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let response = try await client.execute(.init(uri, method: method, headers: [.authorization: "Bearer \(token)"], body: nil))
            return (response.status, Data(response.body.map { String(buffer: $0) }.map { Data($0.utf8) } ?? Data()))
        }
    }
}
