import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguTesting

@Suite("tsunagud as a process", .serialized)
struct DurabilityTests {
    /// One signed request with one to three events from different users.
    struct SignedRequest: Sendable {
        let eventIDs: [String]
        let body: Data
        let signature: String

        init(index: Int) {
            let ids = (0...(index % 3)).map { _ in ULIDLike.make() }
            eventIDs = ids
            body = WebhookFixtures.body(
                events: ids.enumerated().map { offset, id in
                    WebhookFixtures.textEvent(
                        userID: TestSecrets.userID(index * 3 + offset), text: "相談 \(index)-\(offset)", eventID: id)
                })
            signature = WebhookFixtures().sign(body)
        }
    }

    /// Sends `requests` over `connections` keep-alive connections; returns the event ids of every 200.
    /// Stops early (without failing) once the server is gone.
    static func send(_ requests: [SignedRequest], port: Int, connections: Int, onAcknowledged: @escaping @Sendable (Int) -> Void = { _ in }) async
        -> Set<String>
    {
        let acknowledged = Locked(Set<String>())
        let next = Locked(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    try? await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                        while true {
                            let index = next.withLock { value -> Int in
                                defer { value += 1 }
                                return value
                            }
                            guard index < requests.count else { return }
                            let request = requests[index]
                            let response = try await client.post(
                                "/webhook", headers: [.contentType: "application/json", .init("x-line-signature")!: request.signature],
                                body: ByteBuffer(bytes: request.body))
                            if response.status == .ok {
                                let count = acknowledged.withLock { set in
                                    set.formUnion(request.eventIDs)
                                    return set.count
                                }
                                onAcknowledged(count)
                            }
                        }
                    }
                }
            }
        }
        return acknowledged.value
    }

    static func storedEventIDs(_ path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT event_id FROM inbox_event") }
    }

    @Test("every event acknowledged before a SIGKILL is in the inbox exactly once after restart")
    func killMidStream() async throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("tsunagu.sqlite")
        let requests = (0..<400).map(SignedRequest.init(index:))
        let allIDs = Set(requests.flatMap(\.eventIDs))

        let daemon = try DaemonProcess(environment: DaemonProcess.environment(database: database))
        let port = try await daemon.port(of: "webhook")
        let killed = Locked(false)
        let acknowledged = await Self.send(requests, port: port, connections: 16) { count in
            // Kill mid-stream: requests are in flight on every connection at this point.
            if count >= allIDs.count / 3
                && !killed.withLock({
                    let was = $0
                    $0 = true
                    return was
                })
            {
                daemon.kill(SIGKILL)
            }
        }
        #expect(try await daemon.waitForExit() == SIGKILL)
        #expect(acknowledged.count >= allIDs.count / 3, "the kill came before a third was acknowledged")
        #expect(acknowledged.count < allIDs.count, "the kill came after every request had finished")

        let stored = try Self.storedEventIDs(database)
        #expect(Set(stored).count == stored.count, "an event is stored twice")
        #expect(acknowledged.subtracting(stored).isEmpty, "\(acknowledged.subtracting(stored).count) acknowledged events were lost")

        // Restart on the same database; LINE redelivers everything: all acknowledged, each stored once.
        let restarted = try DaemonProcess(environment: DaemonProcess.environment(database: database))
        let secondPort = try await restarted.port(of: "webhook")
        let second = await Self.send(requests, port: secondPort, connections: 8)
        #expect(second == allIDs)
        restarted.kill(SIGTERM)
        #expect(try await restarted.waitForExit() == 0)
        let final = try Self.storedEventIDs(database)
        #expect(final.count == allIDs.count && Set(final) == allIDs)
    }

    @Test("SIGTERM finishes in-flight work and exits 0; tsunagud inbox --json reads the counts meanwhile")
    func gracefulShutdownAndInbox() async throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("tsunagu.sqlite")
        let environment = DaemonProcess.environment(database: database)
        let daemon = try DaemonProcess(environment: environment)
        let port = try await daemon.port(of: "webhook")
        let requests = (0..<20).map(SignedRequest.init(index:))
        let acknowledged = await Self.send(requests, port: port, connections: 4)
        #expect(acknowledged.count == Set(requests.flatMap(\.eventIDs)).count)
        // Repeat one request: a duplicate for every event in it.
        _ = await Self.send([requests[2]], port: port, connections: 1)

        let inbox = try await runDaemonCommand(["inbox", "--json"], environment: environment)
        #expect(inbox.status == 0, "\(inbox.stderr)")
        let counts = try JSONDecoder().decode(InboxCounts.self, from: Data(inbox.stdout.utf8))
        #expect(counts.stored == acknowledged.count && counts.duplicates == requests[2].eventIDs.count)
        #expect(counts.pending + counts.processed == counts.stored)  // Triage may have processed some already.

        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
        #expect(daemon.stderr.contains("Stopped"))
        #expect(!daemon.stderr.contains(TestSecrets.channelSecret))
        #expect(!daemon.stderr.contains(TestSecrets.dataKeyBase64))
    }

    @Test("at trace level the log names each service by its type, and carries no token, secret or key")
    func traceLoggingKeepsSecretsOut() async throws {
        let directory = try TemporaryDirectory()
        let token = "trace-test-access-token-7d41"
        let environment = DaemonProcess.environment(
            database: directory.path("tsunagu.sqlite"),
            extra: ["TSUNAGU_LOG_LEVEL": "trace", "LINE_CHANNEL_ACCESS_TOKEN": token, "LINE_API_BASE_URL": "http://127.0.0.1:9"])
        let daemon = try DaemonProcess(environment: environment)
        _ = try await daemon.port(of: "staff")
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
        let log = daemon.stderr
        #expect(log.contains("Starting service") && log.contains("InboxProcessor"), "ServiceLifecycle's debug lines are not in the log")
        for secret in [token, TestSecrets.channelSecret, TestSecrets.dataKeyBase64] {
            #expect(!log.contains(secret), "a secret was logged at trace level")
        }
        // A service's name is its type, not a dump of what it holds (that was megabytes of log).
        #expect(log.utf8.count < 1_000_000, "the trace log of a start and stop is \(log.utf8.count) bytes")
    }

    @Test("a declared body over the cap gets 413 at once, without the server waiting for the rest")
    func oversizedBodyIsRefusedUnread() async throws {
        let directory = try TemporaryDirectory()
        let daemon = try DaemonProcess(environment: DaemonProcess.environment(database: directory.path("t.sqlite")))
        let port = try await daemon.port(of: "webhook")
        let connection = try RawHTTPConnection(port: port)
        // Declare 10 MB, send 1 KB, and stop: a server that read the rest before answering would time out.
        connection.send(
            "POST /webhook HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "x-line-signature: AAAA\r\nContent-Length: 10485760\r\n\r\n" + String(repeating: "x", count: 1024))
        let head = connection.readResponseHead()
        #expect(head.hasPrefix("HTTP/1.1 413"), "got: \(head.prefix(80))")
        // The server is still there for the next client.
        let healthy = try await TestClient.withClient(host: "127.0.0.1", port: port) { try await $0.get("/healthz").status }
        #expect(healthy == .ok)
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test(
        "start-up refusals exit 1 with one sentence naming the variable",
        arguments: [
            (["LINE_CHANNEL_SECRET": ""], "LINE_CHANNEL_SECRET"),
            (["TSUNAGU_DATA_KEY": "dG9vIHNob3J0"], "TSUNAGU_DATA_KEY"),
            (["TSUNAGU_DATABASE": "/proc/tsunagu/nope.sqlite"], "TSUNAGU_DATABASE"),
        ])
    func refusals(_ override: [String: String], variable: String) async throws {
        let environment = DaemonProcess.environment(database: "/tmp/unused.sqlite").merging(override) { $1 }
        let result = try await runDaemonCommand(["serve"], environment: environment)
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(result.stderr)")
        #expect(result.stderr.hasPrefix("tsunagud: ") && result.stderr.contains(variable))
        #expect(!result.stderr.contains(TestSecrets.dataKeyBase64))
    }

    @Test("a port that is already taken is refused in one sentence naming the port settings")
    func portInUse() async throws {
        let directory = try TemporaryDirectory()
        let first = try DaemonProcess(environment: DaemonProcess.environment(database: directory.path("a.sqlite")))
        let port = try await first.port(of: "webhook")
        let environment = DaemonProcess.environment(
            database: directory.path("b.sqlite"), extra: ["TSUNAGU_WEBHOOK_PORT": String(port)])
        let result = try await runDaemonCommand(["serve"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("TSUNAGU_WEBHOOK_PORT"), "\(result.stderr)")
        first.kill(SIGTERM)
        #expect(try await first.waitForExit() == 0)
    }

    @Test("inbox on a database that does not exist says how to create it and exits 1")
    func inboxWithoutDatabase() async throws {
        let result = try await runDaemonCommand(
            ["inbox", "--json"], environment: ["TSUNAGU_DATABASE": "/nonexistent/tsunagu.sqlite"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("start tsunagud once"))
    }
}
