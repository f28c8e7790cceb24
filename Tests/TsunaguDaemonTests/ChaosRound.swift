import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LineMessaging
import LineSandbox
import NIOCore
import TsunaguCore
import TsunaguCoreTesting
import TsunaguServer
import TsunaguTesting

/// One round of chaos: simulated young women walk through the triage on the LINE sandbox while a counsellor
/// claims, replies and closes through the staff API; `tsunagud` is SIGKILLed at random moments and LINE (the
/// sandbox) is slow, fails with 5xx and 429, loses answers and drops connections. Then everything is drained and
/// the promises checked from the sandbox's records and the database.
///
/// On SQLite there is one instance. On PostgreSQL there are several on one database, as behind a load balancer:
/// each of her events goes to the next instance in turn (the next again while one is down), so one woman's
/// events are stored and answered by different instances, and the killer picks an instance at random.
struct ChaosRound {
    let seed: UInt64
    var users = 10
    var kills = 3
    /// A PostgreSQL database for the instances to share; `nil`: one instance on a SQLite file.
    var postgresURL: String? = nil
    var instances = 1
    static let accessToken = "chaos-access-token"

    /// The daemons, which the killer replaces now and then; each keeps its ports.
    final class Daemons: @unchecked Sendable {
        private let lock = NSLock()
        private var current: [DaemonProcess]
        /// What the killed daemons wrote to stderr.
        private var killedLogs: [String] = []
        let environments: [[String: String]]

        init(environments: [[String: String]]) throws {
            self.environments = environments
            current = try environments.map { try DaemonProcess(environment: $0) }
        }

        var all: [DaemonProcess] { lock.withLock { current } }

        /// Everything every daemon of the round wrote to stderr so far.
        var logs: String { lock.withLock { (killedLogs + current.map(\.stderr)).joined(separator: "\n") } }

        /// SIGKILL instance `index`, then a new daemon on its ports.
        func killAndRestart(_ index: Int) async throws {
            let victim = all[index]
            victim.kill(SIGKILL)
            _ = try await victim.waitForExit()
            let next = try DaemonProcess(environment: environments[index])
            lock.withLock {
                killedLogs.append(victim.stderr)
                current[index] = next
            }
            _ = try await next.port(of: "webhook")
        }
    }

    /// What was broken (empty: the round passed), and what the round did.
    func run() async throws -> (problems: [String], summary: String) {
        var random = SeededGenerator(seed: seed)
        let pauses = (0..<kills).map { _ in Duration.milliseconds(Int64.random(in: 300...1_500, using: &random)) }
        let victims = (0..<kills).map { _ in Int.random(in: 0..<instances, using: &random) }
        let sandbox = LineSandbox(
            configuration: .init(
                now: RealTime.now, newID: RealTime.newID, accessToken: Self.accessToken, channelSecret: TestSecrets.channelSecret))
        sandbox.faults = SandboxFaults(
            latencyMilliseconds: 5, serverErrorRate: 0.15, rateLimitRate: 0.05, lostAnswerRate: 0.03, droppedConnectionRate: 0.03,
            retryAfterSeconds: 0, seed: seed)
        let problems = Locked([String]())
        let summary = Locked("")
        try await sandbox.serve { baseURL in
            let directory = try TemporaryDirectory()
            let database: ChaosFacts.Database = postgresURL.map { .postgres(url: $0) } ?? .sqlite(path: directory.path("chaos.sqlite"))
            let ports = try (0..<instances).map { _ in (webhook: try FreeLoopbackPort.find(), staff: try FreeLoopbackPort.find()) }
            let environments = ports.map { ports in
                DaemonProcess.environment(
                    database: postgresURL ?? directory.path("chaos.sqlite"),
                    extra: [
                        "LINE_API_BASE_URL": baseURL, "LINE_CHANNEL_ACCESS_TOKEN": Self.accessToken, "TSUNAGU_WEBHOOK_PORT": "\(ports.webhook)",
                        "TSUNAGU_STAFF_PORT": "\(ports.staff)", "TSUNAGU_OUTBOX_RETRY_BASE_MS": "5", "TSUNAGU_OUTBOX_RETRY_MAX_MS": "200",
                        // A killed instance's sends are taken over after this long.
                        "TSUNAGU_OUTBOX_LEASE_SECONDS": "5",
                    ])
            }
            let environment = environments[0]
            let added = try await runDaemonCommand(["staff", "add", "sato", "--role", "counsellor"], environment: environment)
            let token = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let daemons = try Daemons(environments: environments)
            for daemon in daemons.all { _ = try await daemon.port(of: "webhook") }
            let webhookPorts = ports.map(\.webhook)
            let staffPorts = ports.map(\.staff)

            let users = (0..<self.users).map { String(format: "Uc%031x", Int(seed) * 1000 + $0) }
            let acknowledged = Locked(Set<String>())
            let replies = Locked(ChaosReplies())
            let deadline = ContinuousClock.now + .seconds(120)

            try await withThrowingTaskGroup(of: Void.self) { group in
                for (number, user) in users.enumerated() {
                    group.addTask {
                        let events: [PhoneEvent] = [
                            .follow(unblocked: false), .postback("consent:yes"), .postback("topic:work"), .postback("urgency:today"),
                            .text("相談です 1"), .text("相談です 2"),
                        ]
                        // A third of the women write now; a third reach Tsunagu only through LINE's redelivery ten
                        // minutes later (their tokens work for a minute again), a third 25 minutes later (their
                        // tokens are dead): every answer to those must go by push.
                        let delay = Self.redeliveryDelays[number % Self.redeliveryDelays.count]
                        let start = Date() - delay
                        for (step, event) in events.enumerated() {
                            var phoned = sandbox.event(event, from: user, at: start + Double(step) / 1000)
                            if delay > 0 { phoned = sandbox.redelivery(of: phoned) }
                            let id = try Self.eventID(in: sandbox.signed([phoned]).body)
                            var attempt = number + step
                            while ContinuousClock.now < deadline {
                                if await Self.post(sandbox.signed([phoned]), to: webhookPorts[attempt % webhookPorts.count]) == .ok { break }
                                // Not acknowledged: LINE delivers the same event again, marked as a redelivery.
                                phoned = sandbox.redelivery(of: phoned)
                                attempt += 1
                                try await Task.sleep(for: .milliseconds(20))
                            }
                            acknowledged.withLock { _ = $0.insert(id) }
                        }
                    }
                }
                group.addTask {
                    try await Self.counsel(cases: users.count, token: token, ports: staffPorts, replies: replies, until: deadline)
                }
                group.addTask {
                    for (pause, victim) in zip(pauses, victims) {
                        try await Task.sleep(for: pause)
                        try await daemons.killAndRestart(victim)
                    }
                }
                try await group.waitForAll()
            }

            // Drain: every event processed and every send settled, then a clean stop.
            let settled = await eventually(within: .seconds(90), every: .milliseconds(50)) {
                guard let counts = try? await ChaosFacts.read(database, countsOnly: true) else { return false }
                return counts.unprocessed == 0 && counts.pendingSends == 0
            }
            if !settled {
                let counts = try? await ChaosFacts.read(database, countsOnly: true)
                problems.withLock { $0.append("not drained: \(counts.map { "\($0)" } ?? "?")") }
            }
            for daemon in daemons.all { daemon.kill(SIGTERM) }
            for daemon in daemons.all where try await daemon.waitForExit() != 0 {
                problems.withLock { $0.append("tsunagud did not exit 0 on SIGTERM") }
            }

            let check: [String]
            do {
                check = Self.check(
                    facts: try await ChaosFacts.read(database), acknowledged: acknowledged.value, deliveries: sandbox.deliveries,
                    replies: replies.value, users: users)
            } catch {
                check = ["could not read the database: \(error)"]
            }
            problems.withLock { $0 += check }
            if sandbox.expiredReplyAttempts > 0 {
                problems.withLock { $0.append("\(sandbox.expiredReplyAttempts) replies tried with a token past its life") }
            }
            let shown = sandbox.deliveries
            summary.withLock {
                $0 =
                    "\(acknowledged.value.count) events, \(replies.value.acknowledged.count) replies (\(replies.value.uncertain.count) uncertain), "
                    + "\(Set(shown.map(\.request)).count) sends shown, \(sandbox.injectedFaults) faults, \(kills) kills of \(instances) instance(s)"
            }
            // Her id, her words and the counsellor's never reach a log, whatever happened to the daemons.
            let logs = daemons.logs
            let words = users + ["相談です"] + replies.value.acknowledged + Array(replies.value.uncertain)
            if !logs.contains("Listening") { problems.withLock { $0.append("no daemon's log was captured") } }
            if let leaked = words.first(where: { logs.contains($0) }) {
                problems.withLock { $0.append("a log line carries \(leaked.hasPrefix("U") ? "a user id" : "message text")") }
            }
            let verified = try await runDaemonCommand(["audit", "--verify"], environment: environment)
            if verified.status != 0 { problems.withLock { $0.append("the audit chain does not verify: \(verified.stderr)") } }
        }
        return (problems.value, summary.value)
    }

    /// The counsellor's replies: those the API acknowledged, in order, and those whose answer was lost.
    struct ChaosReplies: Sendable {
        var acknowledged: [String] = []
        var uncertain: Set<String> = []
        var closed = 0
    }

    static func eventID(in body: Data) throws -> String {
        struct Body: Decodable {
            struct Event: Decodable { var webhookEventId: String }
            var events: [Event]
        }
        return try JSONDecoder().decode(Body.self, from: body).events[0].webhookEventId
    }

    static func post(_ signed: (body: Data, signature: String), to port: Int) async -> HTTPResponse.Status? {
        try? await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            try await client.post(
                "/webhook", headers: [.contentType: "application/json", HTTPField.Name("x-line-signature")!: signed.signature],
                body: ByteBuffer(bytes: signed.body)
            ).status
        }
    }

    /// Claims, replies twice and closes until `cases` are closed. A call whose answer is lost is not repeated as
    /// such: its reply is marked uncertain and the next one gets new words, so every text is unique.
    /// With several instances, each call goes to the next one in turn, as through a load balancer.
    static func counsel(cases: Int, token: String, ports: [Int], replies: Locked<ChaosReplies>, until deadline: ContinuousClock.Instant) async throws
    {
        var calls = 0
        func call(_ method: HTTPRequest.Method, _ uri: String, _ json: String? = nil) async -> (HTTPResponse.Status, Data)? {
            calls += 1
            return try? await TestClient.withClient(host: "127.0.0.1", port: ports[calls % ports.count]) { client in
                var headers: HTTPFields = [.authorization: "Bearer \(token)"]
                if json != nil { headers[.contentType] = "application/json" }
                let response = try await client.execute(.init(uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }))
                return (response.status, Data(response.body.map { String(buffer: $0) }.map { Data($0.utf8) } ?? Data()))
            }
        }
        var written = 0
        while replies.value.closed < cases, ContinuousClock.now < deadline {
            guard let (status, body) = await call(.get, "/api/v1/mine"), status == .ok,
                let mine = try? JSONDecoder().decode(StaffAPI.Mine.self, from: body)
            else {
                try await Task.sleep(for: .milliseconds(20))
                continue
            }
            guard let held = mine.cases.first else {
                _ = await call(.post, "/api/v1/queue/claim")
                try await Task.sleep(for: .milliseconds(20))
                continue
            }
            for _ in 0..<2 {
                written += 1
                let text = "r-\(held.handle)-\(written)"
                if let (status, _) = await call(.post, "/api/v1/cases/\(held.handle)/reply", #"{"text":"\#(text)"}"#), status == .ok {
                    replies.withLock { $0.acknowledged.append(text) }
                } else {
                    replies.withLock { _ = $0.uncertain.insert(text) }
                }
            }
            if let (status, _) = await call(.post, "/api/v1/cases/\(held.handle)/close", #"{"outcome":"listened"}"#), status == .ok {
                replies.withLock { $0.closed += 1 }
            }
        }
    }

    /// How long after her events LINE delivers them, by woman: now, a redelivery within the 20 minutes her
    /// reply tokens may still work, and one after.
    static let redeliveryDelays: [TimeInterval] = [0, 10 * 60, 25 * 60]

    /// The case handle in a reply's words, `r-HANDLE-n`.
    static func handle(of text: String) -> Substring { text.split(separator: "-").dropFirst().first ?? "" }

    /// The promises, from the sandbox's records and the database.
    static func check(facts: ChaosFacts, acknowledged: Set<String>, deliveries: [SandboxDelivery], replies: ChaosReplies, users: [String]) -> [String]
    {
        var problems: [String] = []
        // Every acknowledged event stored once and processed.
        let missing = acknowledged.subtracting(facts.processedEvents)
        if !missing.isEmpty { problems.append("\(missing.count) acknowledged events not stored and processed") }
        // Every decided send shown once: one accepted request per delivered entry, none left over.
        let requests = Set(deliveries.map(\.request)).count
        if facts.sendsByState["delivered", default: 0] != requests {
            problems.append("\(facts.sendsByState["delivered", default: 0]) sends delivered but LINE showed \(requests)")
            // Name the sends shown twice (same chat, same words), and how each copy went.
            let requestsShown = Dictionary(grouping: deliveries, by: \.request).values
            let copies = Dictionary(grouping: requestsShown) { $0[0].chatID + "#" + $0.map(\.message.text).joined(separator: "|") }
            for (shape, sends) in copies where sends.count > 1 {
                problems.append("shown \(sends.count) times, by \(sends.map { "\($0[0].method)" }): \(shape.suffix(40))")
            }
        }
        for (state, count) in facts.sendsByState where state != "delivered" { problems.append("\(count) sends \(state)") }
        // Each woman saw each answer decided for her once: as many requests reached her phone as sends of hers
        // were delivered (an answer marked delivered but never shown, or shown twice, breaks the count).
        let pseudonymizer = Pseudonymizer(dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!)
        for user in users {
            let shown = Set(deliveries.filter { $0.chatID == user }.map(\.request)).count
            let delivered = facts.deliveredByConversation[pseudonymizer.pseudonym(of: user).rawValue, default: 0]
            if shown != delivered { problems.append("a woman was shown \(shown) of her \(delivered) delivered sends") }
        }
        // No send still held by an instance (a dead one's lease lapsed and was taken over).
        if facts.leasedSends != 0 { problems.append("\(facts.leasedSends) sends still leased to an instance") }
        // Pushes in each chat in the order their entries were decided.
        for user in users {
            let pushed = deliveries.filter { $0.chatID == user && $0.method == .push }.compactMap { $0.retryKey.flatMap { facts.sequences[$0] } }
            if pushed.map(\.sequence) != pushed.map(\.sequence).sorted() { problems.append("pushes out of order for a user") }
        }
        // No case stuck: every woman reached the queue, and every case was closed.
        if facts.queuedCases != users.count { problems.append("\(facts.queuedCases) of \(users.count) cases reached the queue") }
        if facts.openCases != 0 { problems.append("\(facts.openCases) cases left open") }
        // Each acknowledged counsellor reply shown exactly once, and in each case in the order written; an
        // uncertain one at most once.
        let shown = deliveries.map(\.message.text).filter { $0.hasPrefix("r-") }
        let counted = Dictionary(shown.map { ($0, 1) }, uniquingKeysWith: +)
        for text in replies.acknowledged where counted[text] != 1 { problems.append("reply \(text) shown \(counted[text] ?? 0) times") }
        for text in replies.uncertain where (counted[text] ?? 0) > 1 { problems.append("uncertain reply \(text) shown twice") }
        for (handle, written) in Dictionary(grouping: replies.acknowledged, by: Self.handle(of:)) {
            if shown.filter({ Self.handle(of: $0) == handle && written.contains($0) }) != written {
                problems.append("replies out of order in a case")
            }
        }
        return problems
    }
}
