import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LineMessaging
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguTesting

/// More than 500 requests no honest client sends, against a running `tsunagud`: each must get the right 4xx (or a
/// 200 that changes nothing), nothing may be stored that was not signed, and the server must stay up with its
/// memory bounded.
@Suite("hostile input", .serialized)
struct HostileInputTests {
    /// One crafted request and the answers that are right for it.
    struct Attempt {
        let name: String
        let bytes: Data
        let expected: Set<Int>
    }

    /// Sends `bytes` on a fresh connection and returns the status code (0 if the server closed without answering).
    static func status(of bytes: Data, port: Int) throws -> Int {
        let connection = try RawHTTPConnection(port: port)
        // Send on a thread of its own: a server may answer (413) before it has read a large body, and stop reading.
        let sender = Thread { connection.send(bytes) }
        sender.start()
        let head = connection.readResponseHead()
        connection.shutdown()
        guard let match = head.firstMatch(of: /^HTTP\/1\.[01] (\d{3})/), let code = Int(match.1) else { return 0 }
        return code
    }

    static func request(
        _ method: String = "POST", _ path: String = "/webhook", headers: [(String, String)], body: Data = Data(), contentLength: Bool = true
    ) -> Data {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if contentLength { head += "Content-Length: \(body.count)\r\n" }
        return Data((head + "\r\n").utf8) + body
    }

    static func signed(_ body: Data, extra: [(String, String)] = []) -> Data {
        request(headers: [("Content-Type", "application/json"), ("x-line-signature", WebhookFixtures().sign(body))] + extra, body: body)
    }

    static func signedBody(_ text: String) -> Data { signed(Data(text.utf8)) }

    /// A genuine body: one text event. Every forgery below carries it, so that anything stored is a failure.
    static let genuine = WebhookFixtures.body(events: [
        WebhookFixtures.textEvent(userID: TestSecrets.userID(1), text: "こんにちは", eventID: "01HOSTILE0000000000000001")
    ])

    static func webhookAttempts() -> [Attempt] {
        var attempts: [Attempt] = []
        let signature = WebhookFixtures().sign(genuine)
        func forged(_ name: String, _ value: String) {
            attempts.append(
                Attempt(
                    name: "signature: \(name)",
                    bytes: request(headers: [("Content-Type", "application/json"), ("x-line-signature", value)], body: genuine),
                    expected: [401]))
        }
        var random = SystemRandomNumberGenerator()
        for index in 0..<60 { forged("random \(index)", Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }).base64EncodedString()) }
        for length in 0..<signature.count { forged("truncated to \(length)", String(signature.prefix(length))) }
        for position in stride(from: 0, to: genuine.count, by: max(1, genuine.count / 25)) {
            var other = genuine
            other[position] ^= 0x01
            forged("signature of a body with byte \(position) changed", WebhookFixtures().sign(other))
        }
        for index in 0..<10 {
            forged("another channel's secret \(index)", WebhookSignature(channelSecret: "not-our-secret-\(index)").sign(genuine))
        }
        let hex = Data(base64Encoded: signature)!.map { String(format: "%02x", $0) }.joined()
        let base64URL = signature.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let spaced = String(signature.prefix(10)) + " " + String(signature.dropFirst(10))
        let variants: [(String, String)] = [
            ("trailing junk", signature + "A"), ("lowercased", signature.lowercased()), ("base64url", base64URL),
            ("no padding", signature.replacingOccurrences(of: "=", with: "")), ("hex", hex), ("not base64", "!!!!"), ("a space inside", spaced),
            ("sha1 length", String(signature.prefix(28))), ("double", signature + signature), ("non-ASCII", "署名" + signature),
        ]
        // The body carries a random reply token, so the signature differs each run: a variant that happens to equal it
        // (base64url of a signature with no + or /) is no forgery.
        for (name, value) in variants where value != signature { forged(name, value) }
        // The genuine signature over a body changed after signing.
        for position in stride(from: 0, to: genuine.count, by: max(1, genuine.count / 20)) {
            var changed = genuine
            changed[position] = changed[position] == UInt8(ascii: " ") ? UInt8(ascii: "\t") : changed[position] ^ 0x20
            attempts.append(
                Attempt(
                    name: "body changed at \(position)",
                    bytes: request(headers: [("Content-Type", "application/json"), ("x-line-signature", signature)], body: changed),
                    expected: [401]))
        }
        attempts.append(
            Attempt(name: "body truncated", bytes: request(headers: [("x-line-signature", signature)], body: genuine.dropLast(5)), expected: [401]))
        attempts.append(
            Attempt(name: "no signature", bytes: request(headers: [("Content-Type", "application/json")], body: genuine), expected: [401]))
        for casing in ["X-LINE-SIGNATURE", "x-Line-Signature", "X-Line-Signature "] {
            attempts.append(
                Attempt(name: "\(casing) with a wrong value", bytes: request(headers: [(casing, "AAAA")], body: genuine), expected: [400, 401]))
        }

        // Header tricks.
        attempts.append(
            Attempt(
                name: "two signature headers, the good one second",
                bytes: request(headers: [("x-line-signature", "AAAA"), ("x-line-signature", signature)], body: genuine), expected: [400, 401]))
        attempts.append(
            Attempt(
                name: "two signature headers, the good one first",
                bytes: request(headers: [("x-line-signature", signature), ("x-line-signature", "AAAA")], body: genuine), expected: [400, 401]))
        attempts.append(
            Attempt(
                name: "a 100 KB header",
                bytes: request(headers: [("x-line-signature", "AAAA"), ("X-Padding", String(repeating: "a", count: 100_000))], body: genuine),
                expected: [400, 401, 431]))
        attempts.append(
            Attempt(
                name: "3,000 headers", bytes: request(headers: [("x-line-signature", "AAAA")] + (0..<3000).map { ("X-H\($0)", "v") }, body: genuine),
                expected: [400, 401, 431]))
        for (name, value) in [("negative", "-1"), ("not a number", "abc"), ("huge", "99999999999999999999999"), ("with a sign", "+10")] {
            attempts.append(
                Attempt(
                    name: "Content-Length \(name)",
                    bytes: request(headers: [("x-line-signature", signature), ("Content-Length", value)], body: genuine, contentLength: false),
                    expected: [400, 413]))
        }
        attempts.append(
            Attempt(
                name: "two different Content-Lengths",
                bytes: request(
                    headers: [("x-line-signature", signature), ("Content-Length", "\(genuine.count)"), ("Content-Length", "5")], body: genuine,
                    contentLength: false),
                expected: [400]))
        attempts.append(
            Attempt(
                name: "Content-Length and chunked together",
                bytes: request(
                    headers: [("x-line-signature", signature), ("Transfer-Encoding", "chunked"), ("Content-Length", "\(genuine.count)")],
                    body: genuine, contentLength: false),
                expected: [400]))
        attempts.append(
            Attempt(
                name: "an unknown transfer coding",
                bytes: request(headers: [("x-line-signature", signature), ("Transfer-Encoding", "gzip")], body: genuine, contentLength: false),
                expected: [400, 501]))
        attempts.append(
            Attempt(name: "a NUL in a header", bytes: request(headers: [("x-line-signature", "AA\u{0}AA")], body: genuine), expected: [400, 401]))
        attempts.append(
            Attempt(name: "bare LF line ends", bytes: Data("POST /webhook HTTP/1.1\nHost: x\nContent-Length: 2\n\n{}".utf8), expected: [400, 401]))
        for line in [
            "GARBAGE", "POST /webhook HTTP/9.9", "POST  /webhook HTTP/1.1 x", "PRI * HTTP/2.0", "POST /webhook", "\u{16}\u{03}\u{01}\u{02}\u{00}",
        ] {
            attempts.append(
                Attempt(
                    name: "request line \(line.debugDescription)", bytes: Data((line + "\r\nHost: x\r\n\r\n").utf8), expected: [400, 404, 405, 505]))
        }

        // Methods and paths.
        for method in ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            attempts.append(
                Attempt(
                    name: "\(method) /webhook", bytes: request(method, headers: [("x-line-signature", signature)], body: genuine),
                    expected: [404, 405]))
        }
        for path in [
            "/webhook/", "//webhook", "/WEBHOOK", "/%77ebhook", "/./webhook", "/api/../webhook", "/webhook%00", "/webhook;x=1", "http://evil/webhook",
            "*",
        ] {
            attempts.append(
                Attempt(
                    name: "path \(path)", bytes: request("POST", path, headers: [("x-line-signature", "AAAA")], body: genuine),
                    expected: [400, 401, 404, 405]))
        }
        attempts.append(
            Attempt(
                name: "a 100 KB path", bytes: request("POST", "/" + String(repeating: "a", count: 100_000), headers: [], body: genuine),
                expected: [400, 404, 414, 431]))

        // Signed, but not a webhook request: 400, or a 200 that stores nothing.
        let event =
            #"{"type":"message","mode":"active","timestamp":1700000000000,"source":{"type":"user","userId":"U00000000000000000000000000000001"},"webhookEventId":"01HOSTILE0000000000000002","deliveryContext":{"isRedelivery":false},"replyToken":"r","message":{"id":"1","type":"text","quoteToken":"q","text":"%@"}}"#
        func signedEvents(_ name: String, _ events: String, expected: Set<Int> = [400]) {
            attempts.append(
                Attempt(
                    name: name, bytes: signedBody(#"{"destination":"U0123456789abcdef0123456789abcdef","events":"# + events + "}"), expected: expected
                ))
        }
        for depth in [10, 100, 1_000, 10_000, 100_000, 400_000] {
            signedEvents(
                "nested \(depth) deep", String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
                expected: depth > 500_000 ? [413] : [400])
            signedEvents(
                "nested \(depth) objects", "[" + String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth) + "]",
                expected: depth > 100_000 ? [413] : [400])
        }
        for (name, number) in [
            ("1e400", "1e400"), ("-1e400", "-1e400"), ("2^64", "18446744073709551616"), ("-2^63-1", "-9223372036854775809"), ("1.5", "1.5"),
            ("a string", #""1700000000000""#), ("null", "null"), ("NaN", "NaN"), ("Infinity", "Infinity"), ("true", "true"), ("an object", "{}"),
            ("a list", "[]"), ("hex", "0x10"), ("leading zero", "0123"),
        ] {
            let bad = event.replacingOccurrences(of: "%@", with: "x").replacingOccurrences(of: "1700000000000", with: number)
            signedEvents("timestamp \(name)", "[" + bad + "]", expected: [400])
        }
        for body in [
            "", " ", "null", "[]", "\"\"", "123", "{}", #"{"events":null}"#, #"{"events":{}}"#, #"{"destination":1,"events":[]}"#,
            #"{"destination":"U0","events":[]} trailing"#, "\u{FEFF}{}", #"{"destination":"U0","events":[1,2,3]}"#,
            #"{"destination":"U0","events":["x"]}"#,
            #"{"destination":"U0","events":[null]}"#, #"{"destination":"U0","events":[{}]}"#, "{\"destination\":\"U0\",\"events\":[",
            #"{"a":"\ud800"}"#,
            "{\"a\":\"\u{7F}\"", "\"\\", "{\"destination\":\"U0\",\"events\":[],}", "{'destination':'U0','events':[]}",
        ] {
            attempts.append(Attempt(name: "signed body \(body.prefix(30).debugDescription)", bytes: signedBody(body), expected: [400]))
        }
        // Duplicate keys and extra keys in a request with no events: nothing to store, so 200 or 400 and nothing stored.
        signedEvents("duplicate keys", #"[], "events": []"#, expected: [200, 400])
        signedEvents("an unknown key", #"[], "unknown": {"deep": [1, 2, 3]}"#, expected: [200])
        let invalidUTF8: [[UInt8]] = [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xE3, 0x81]]
        for (index, bytes) in invalidUTF8.enumerated() {
            var body = Data(#"{"destination":"U0","events":["#.utf8)
            body.append(Data(event.replacingOccurrences(of: "%@", with: "@@").utf8))
            body.append(Data("]}".utf8))
            let marker = body.range(of: Data("@@".utf8))!
            body.replaceSubrange(marker, with: Data(bytes))
            attempts.append(Attempt(name: "invalid UTF-8 \(index)", bytes: signed(body), expected: [400]))
        }
        attempts.append(
            Attempt(
                name: "a 10 MB body, signed", bytes: signed(Data(repeating: UInt8(ascii: " "), count: 10 * 1024 * 1024)), expected: [413]))
        attempts.append(
            Attempt(
                name: "a 10 MB body, chunked",
                bytes: request(
                    headers: [("x-line-signature", "AAAA"), ("Transfer-Encoding", "chunked")],
                    body: Data(String(repeating: "100000\r\n" + String(repeating: "a", count: 0x100000) + "\r\n", count: 10).utf8)
                        + Data("0\r\n\r\n".utf8),
                    contentLength: false),
                expected: [413]))
        return attempts
    }

    static func staffAttempts(counsellor: String) -> [Attempt] {
        var attempts: [Attempt] = []
        func get(_ path: String, authorization: [String]) -> Data {
            request("GET", path, headers: authorization.map { ("Authorization", $0) }, contentLength: false)
        }
        // The counsellor's token works first, so it keeps working once the wrong tokens below (past ten in a
        // minute) get 429 instead of 401.
        attempts.append(Attempt(name: "the counsellor's token", bytes: get("/api/v1/me", authorization: ["Bearer " + counsellor]), expected: [200]))
        var tokens = [
            "", "Bearer", "Bearer ", "Bearer x", "Basic dXNlcjpwYXNz", "bearer " + counsellor.dropLast() + "A", "Bearer " + counsellor + "A",
            "Bearer " + String(counsellor.dropLast()), "Bearer " + String(repeating: "t", count: 10_000),
            "Bearer tsu_" + String(repeating: "é", count: 43),
            "Bearer  " + counsellor.uppercased(), "Token " + counsellor, "Bearer " + counsellor.replacingOccurrences(of: "tsu_", with: "TSU_"),
        ]
        for index in 0..<40 { tokens.append("Bearer tsu_" + ULIDLike.make() + ULIDLike.make().prefix(17) + "\(index)") }
        for path in ["/api/v1/me", "/api/v1/queue", "/api/v1/mine", "/api/v1/stats", "/api/v1/events", "/api/v1/cases/H100"] {
            for token in tokens {
                attempts.append(
                    Attempt(
                        name: "GET \(path) with \(token.prefix(20).debugDescription)", bytes: get(path, authorization: token.isEmpty ? [] : [token]),
                        expected: [401, 429]))
            }
        }
        attempts.append(
            Attempt(
                name: "two Authorization headers", bytes: get("/api/v1/me", authorization: ["Bearer x", "Bearer " + counsellor]),
                expected: [400, 401, 429]))
        // Path tricks on handles, with a good token: never found, never a server error.
        for handle in [
            "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%00", "H1%27%20OR%201%3D1%20--", String(repeating: "H", count: 5_000), "%EF%BC%A8100", "H1%20",
            "%C0%AE",
            "H100%2Freply", "H100?x=1", "%25", "H100%0D%0ASet-Cookie:%20a=b", "null", "-1", "0x10",
        ] {
            attempts.append(
                Attempt(
                    name: "GET /cases/\(handle.prefix(30))", bytes: get("/api/v1/cases/\(handle)", authorization: ["Bearer " + counsellor]),
                    expected: [400, 404]))
            attempts.append(
                Attempt(
                    name: "POST /cases/\(handle.prefix(30))/reply",
                    bytes: request(
                        "POST", "/api/v1/cases/\(handle)/reply",
                        headers: [("Authorization", "Bearer " + counsellor), ("Content-Type", "application/json")], body: Data(#"{"text":"はい"}"#.utf8)
                    ),
                    expected: [400, 404]))
        }
        for (name, body) in [
            ("a 70 KB reply", #"{"text":""# + String(repeating: "あ", count: 24_000) + #""}"#), ("not JSON", "text=hi"),
            ("deep JSON", String(repeating: "[", count: 50_000)),
            ("invalid UTF-8", "{\"text\":\"\u{FFFD}\"}"), ("no text", "{}"), ("text a number", #"{"text":5}"#),
            ("duplicate text", #"{"text":"a","text":"b"}"#),
        ] {
            attempts.append(
                Attempt(
                    name: "reply: \(name)",
                    bytes: request(
                        "POST", "/api/v1/cases/H999/reply",
                        headers: [("Authorization", "Bearer " + counsellor), ("Content-Type", "application/json")], body: Data(body.utf8)),
                    expected: [400, 404, 413, 422]))
        }
        for query in ["limit=-1", "limit=0", "limit=99999999999999999999", "limit=abc", "limit=", "limit=1&limit=2", "limit=%00"] {
            attempts.append(
                Attempt(name: "queue?\(query)", bytes: get("/api/v1/queue?\(query)", authorization: ["Bearer " + counsellor]), expected: [200, 400]))
        }
        for (name, body) in [
            ("a 1 MB claim", String(repeating: " ", count: 1_000_000) + "{}"), ("a claim that is a list", "[]"),
            ("a claim of a number handle", #"{"handle":1}"#),
        ] {
            attempts.append(
                Attempt(
                    name: name,
                    bytes: request(
                        "POST", "/api/v1/queue/claim", headers: [("Authorization", "Bearer " + counsellor), ("Content-Type", "application/json")],
                        body: Data(body.utf8)),
                    expected: [400, 404, 413, 422]))
        }
        return attempts
    }

    static func residentMemoryBytes(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }

    static func rowCounts(_ path: String) throws -> [String: Int] {
        try DatabaseQueue(path: path).read { db in
            try ["inbox_event", "triage_case", "outbox_entry", "case_message", "audit_log", "staff", "staff_event"].reduce(into: [:]) {
                counts, table in
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1
            }
        }
    }

    @Test("over 500 crafted requests to the webhook and the staff API: the right 4xx, nothing stored, the server alive and small")
    func craftedRequests() async throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("tsunagu.sqlite")
        let environment = DaemonProcess.environment(database: database)
        let added = try await runDaemonCommand(["staff", "add", "sato", "--role", "counsellor"], environment: environment)
        #expect(added.status == 0, "\(added.stderr)")
        let counsellor = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let daemon = try DaemonProcess(environment: environment)
        let webhook = try await daemon.port(of: "webhook")
        let staff = try await daemon.port(of: "staff")
        let before = try Self.rowCounts(database)

        let attempts = Self.webhookAttempts().map { ($0, webhook) } + Self.staffAttempts(counsellor: counsellor).map { ($0, staff) }
        #expect(attempts.count >= 500, "only \(attempts.count) attempts")
        var wrong: [String] = []
        for (attempt, port) in attempts {
            let code = try Self.status(of: attempt.bytes, port: port)
            if !attempt.expected.contains(code) { wrong.append("\(attempt.name): \(code), expected \(attempt.expected.sorted())") }
        }
        #expect(wrong.isEmpty, "\(wrong.count) of \(attempts.count) answered wrongly:\n\(wrong.joined(separator: "\n"))")
        #expect(try Self.rowCounts(database) == before, "a hostile request changed the database")

        // Still serving, and a genuine request is still accepted.
        #expect(try Self.status(of: Self.signed(Self.genuine), port: webhook) == 200)
        #expect(try Self.rowCounts(database)["inbox_event"] == 1)
        let rss = Self.residentMemoryBytes(of: daemon.process.processIdentifier) ?? 0
        #expect(rss > 0 && rss < 150 * 1024 * 1024, "resident memory \(rss / 1_048_576) MB")
        #expect(!daemon.stderr.contains(counsellor) && !daemon.stderr.contains("こんにちは"))
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test("a flood of redeliveries is acknowledged every time and stored once; dribbling clients hold up no one")
    func redeliveryFloodAndSlowClients() async throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("tsunagu.sqlite")
        let daemon = try DaemonProcess(environment: DaemonProcess.environment(database: database))
        let webhook = try await daemon.port(of: "webhook")

        // Thirty clients that send a request a byte at a time and never finish it.
        let dribblers = try (0..<30).map { _ in try RawHTTPConnection(port: webhook) }
        let head = Data("POST /webhook HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n{".utf8)
        for byte in head { for dribbler in dribblers { dribbler.send(Data([byte])) } }

        let body = WebhookFixtures.body(events: [
            WebhookFixtures.textEvent(userID: TestSecrets.userID(2), text: "もう一度", eventID: "01FLOOD00000000000000000001")
        ])
        let codes = Locked([Int]())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    for _ in 0..<30 { codes.withLock { $0.append((try? Self.status(of: Self.signed(body), port: webhook)) ?? -1) } }
                }
            }
            try await group.waitForAll()
        }
        #expect(codes.value.count == 300 && codes.value.allSatisfy { $0 == 200 }, "\(Set(codes.value))")
        #expect(try Self.rowCounts(database)["inbox_event"] == 1)
        let healthy = try await TestClient.withClient(host: "127.0.0.1", port: webhook) { try await $0.get("/healthz").status }
        #expect(healthy == .ok)
        withExtendedLifetime(dribblers) {}
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test("clients that dribble whole requests a byte at a time over seconds are answered, and hold up no one meanwhile")
    func dribbledRequestsComplete() async throws {
        let directory = try TemporaryDirectory()
        let database = directory.path("tsunagu.sqlite")
        let daemon = try DaemonProcess(environment: DaemonProcess.environment(database: database))
        let webhook = try await daemon.port(of: "webhook")

        // Ten genuine requests, each sent one byte every 3 ms (about 2.5 s a request), all interleaved.
        let requests = (0..<10).map { index in
            Self.signed(
                WebhookFixtures.body(events: [
                    WebhookFixtures.textEvent(userID: TestSecrets.userID(3), text: "ゆっくり", eventID: "01DRIBBLE000000000000000\(index)")
                ]))
        }
        let dribblers = try requests.map { _ in try RawHTTPConnection(port: webhook, timeout: 30) }
        let sender = Thread {
            for offset in 0..<(requests.map(\.count).max() ?? 0) {
                for (request, dribbler) in zip(requests, dribblers) where offset < request.count {
                    dribbler.send(request.subdata(in: request.startIndex + offset..<request.startIndex + offset + 1))
                }
                usleep(3_000)  // The pace of the attack, not a wait for a result.
            }
        }
        sender.start()

        // While they dribble, an ordinary request is answered at once, over and over.
        let body = WebhookFixtures.body(events: [
            WebhookFixtures.textEvent(userID: TestSecrets.userID(4), text: "ふつう", eventID: "01DRIBBLEORDINARY00000001")
        ])
        var ordinary: [Int] = []
        for _ in 0..<20 { ordinary.append(try Self.status(of: Self.signed(body), port: webhook)) }
        #expect(ordinary.allSatisfy { $0 == 200 }, "\(ordinary)")

        // Each answer is read on a thread of its own: a blocking read must not hold the cooperative pool.
        let answers = Locked([String]())
        for dribbler in dribblers {
            Thread {
                let head = dribbler.readResponseHead()
                answers.withLock { $0.append(head) }
            }.start()
        }
        #expect(await eventually(within: .seconds(30)) { answers.value.count == dribblers.count })
        #expect(answers.value.allSatisfy { $0.hasPrefix("HTTP/1.1 200") }, "\(answers.value.map { $0.prefix(20) })")
        #expect(try Self.rowCounts(database)["inbox_event"] == 11)
        daemon.kill(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}
