import ArgumentParser
import CurlHTTP
import Foundation
import GRDB
import TsunaguCore
import TsunaguSQLite
import TsunaguServer

/// `tsunagu-bench seed-cases`: a database with many open cases and counsellors, as a busy office has.
struct SeedCases: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write CASES queued cases (sealed addresses and case keys included) and COUNSELLORS counsellors into "
            + "DATABASE (key from TSUNAGU_DATA_KEY); print one staff token a line.")

    @Option(help: "The SQLite database.") var database: String
    @Option(help: "Open cases waiting in the queue.") var cases = 10_000
    @Option(help: "Counsellors to add.") var counsellors = 50

    func run() async throws {
        guard let keyText = ProcessInfo.processInfo.environment["TSUNAGU_DATA_KEY"], let key = DataKey(base64: keyText) else {
            throw ValidationError("Set TSUNAGU_DATA_KEY to the server's data key.")
        }
        let plain = try SQLiteDatabase.open(path: database, clock: SystemTime.clock)
        let dataKey = try await Keyring.open(SQLiteKeyStore(database: plain), current: key, previous: nil)
        let store = plain.chained(with: dataKey.auditChain)
        let sealer = EventSealer(dataKey: dataKey)
        let cipher = CaseCipher(dataKey: dataKey)
        let now = SystemTime.clock.now()
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        let topics = ["work", "family", "violence", "money", "health", "pregnancy", "school", "other"]
        let bulk = try DatabaseQueue(path: database)
        defer { try? bulk.close() }
        try await bulk.write { db in
            for index in 0..<cases {
                let caseID = SystemTime.ids.nextString()
                let pseudonym = String(format: "pbench%08d", index)
                var digits = index
                let handle = String(
                    (0..<4).map { _ in
                        defer { digits /= alphabet.count }
                        return alphabet[digits % alphabet.count]
                    })
                let priority: Priority = index % 100 == 0 ? .emergency : (index % 10 == 0 ? .urgent : .normal)
                let queuedAt = now - Int64(cases - index) * 15_000
                var record = CaseRecord(id: caseID, openedAt: queuedAt - 60_000)
                (record.topic, record.urgency, record.priority, record.queuedAt, record.outOfHours) =
                    (topics[index % topics.count], "today", priority, queuedAt, false)
                let conversation = Conversation(state: .queued(priority: priority), currentCase: record, hasConsented: true)
                let address = try sealer.seal(Data(String(format: "Ubench%026d", index).utf8), boundTo: pseudonym)
                let (_, wrapped, fingerprint) = try cipher.newKey(for: caseID)
                try db.execute(
                    sql: "INSERT INTO conversation (pseudonym, state, sealed_address, updated_at) VALUES (?, ?, ?, ?)",
                    arguments: [pseudonym, try conversation.storedState(), Data(address), now])
                try db.execute(
                    sql: """
                        INSERT INTO triage_case (id, handle, conversation, opened_at, topic, urgency, priority, out_of_hours, queued_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)
                        """,
                    arguments: [caseID, handle, pseudonym, record.openedAt, record.topic, record.urgency, priority.rawValue, queuedAt])
                try db.execute(
                    sql: "INSERT INTO case_key (case_id, wrapped_key, fingerprint) VALUES (?, ?, ?)",
                    arguments: [caseID, Data(wrapped), fingerprint])
            }
        }
        let staff = SQLiteStaffStore(database: store)
        for index in 0..<counsellors {
            let token = StaffToken.generate()
            _ = try await staff.add(name: "counsellor\(index)", role: .counsellor, tokenHash: StaffToken.hash(token), by: "bench")
            print(token)
        }
        try store.close()
    }
}

/// `tsunagu-bench queue-load`: counsellors polling the queue and claiming, against a running tsunagud.
struct QueueLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Each token is a counsellor who lists the queue every INTERVAL ms and, every CLAIM-EVERY listings, claims the "
            + "next case and releases it; reports p50/p99 of listings and of claims.")

    @Option(help: "The staff listener.") var server = "http://127.0.0.1:18081"
    @Option(help: "A file of staff tokens, one a line.") var tokens: String
    @Option(help: "Seconds of load.") var duration = 10
    @Option(help: "Milliseconds between one counsellor's listings.") var interval = 100
    @Option(help: "Claim (and release) after this many listings.") var claimEvery = 10

    func run() async throws {
        let tokens = try String(contentsOfFile: tokens, encoding: .utf8).split(separator: "\n").map(String.init)
        let transport = CurlTransport(configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(30), maxConnectionsPerHost: 128))
        defer { transport.shutdown() }
        let server = self.server
        let interval = self.interval
        let claimEvery = self.claimEvery
        let end = ContinuousClock.now + .seconds(duration)
        let results = await withTaskGroup(of: (list: [Double], claim: [Double], errors: Int).self) { group in
            for token in tokens {
                group.addTask {
                    var list: [Double] = []
                    var claim: [Double] = []
                    var errors = 0
                    let headers = [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")]
                    func timed(_ method: String, _ path: String, _ body: Data? = nil) async -> (Double, Data?) {
                        let start = ContinuousClock.now
                        let response = try? await transport.send(HTTPClientRequest(method: method, url: server + path, headers: headers, body: body))
                        let elapsed = ContinuousClock.now - start
                        let ok = response.map { (200..<300).contains($0.status) } ?? false
                        if !ok { errors += 1 }
                        return (Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000, ok ? response?.body : nil)
                    }
                    // Spread the counsellors over the first interval.
                    try? await Task.sleep(for: .milliseconds(Int.random(in: 0..<max(1, interval))))
                    var listings = 0
                    while ContinuousClock.now < end {
                        let (elapsed, _) = await timed("GET", "/api/v1/queue")
                        list.append(elapsed)
                        listings += 1
                        if listings % claimEvery == 0 {
                            let (claimed, body) = await timed("POST", "/api/v1/queue/claim")
                            claim.append(claimed)
                            if let body, let summary = try? JSONDecoder().decode(CaseSummary.self, from: body) {
                                _ = await timed("POST", "/api/v1/cases/\(summary.handle)/release")
                            }
                        }
                        try? await Task.sleep(for: .milliseconds(interval))
                    }
                    return (list, claim, errors)
                }
            }
            return await group.reduce(into: (list: [Double](), claim: [Double](), errors: 0)) {
                $0.list += $1.list
                $0.claim += $1.claim
                $0.errors += $1.errors
            }
        }
        func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return .nan }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
        }
        for (name, values) in [("listing", results.list), ("claim", results.claim)] {
            print(
                String(
                    format: "queue %@ counsellors=%d requests=%d p50_ms=%.2f p99_ms=%.2f errors=%d", name, tokens.count, values.count,
                    percentile(values, 0.5), percentile(values, 0.99), results.errors))
        }
    }
}
