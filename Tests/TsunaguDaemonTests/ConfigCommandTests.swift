import Foundation
import Testing
import TsunaguCoreTesting
import TsunaguServer
import TsunaguTesting

/// `tsunagud config` against the settings table: every documented variable, and every file key, set to a value
/// other than its default, is the value in force; a misspelt name is warned about at start-up.
@Suite("tsunagud config")
struct ConfigCommandTests {
    struct Report: Decodable {
        struct Row: Decodable {
            var variable: String
            var key: String
            var value: String
            var source: String
        }
        var settings: [Row]
        var configFile: String?
    }

    /// A non-default value for every setting, and what `tsunagud config` must show for it (a secret only as
    /// `set`). Two groups, since a key in a file is in force only when no key is given inline.
    static func values(in directory: TemporaryDirectory) throws -> (inline: [String: (String, String)], files: [String: (String, String)]) {
        let previousKey = DataKey.generateBase64()
        let keyFile = directory.path("data.key")
        let previousKeyFile = directory.path("previous.key")
        try TestSecrets.dataKeyBase64.write(toFile: keyFile, atomically: true, encoding: .utf8)
        try previousKey.write(toFile: previousKeyFile, atomically: true, encoding: .utf8)
        for file in [keyFile, previousKeyFile] { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file) }
        let script = directory.path("script.yaml")
        try FileManager.default.copyItem(atPath: DaemonProcess.scriptPath, toPath: script)
        // The script names its safety model beside it.
        try FileManager.default.copyItem(
            atPath: URL(fileURLWithPath: DaemonProcess.scriptPath).deletingLastPathComponent().appendingPathComponent("safety-model.tsv").path,
            toPath: directory.path("safety-model.tsv"))
        let database = directory.path("elsewhere.sqlite")
        let inline: [String: (String, String)] = [
            "LINE_CHANNEL_SECRET": (TestSecrets.channelSecret, "set"), "LINE_CHANNEL_ACCESS_TOKEN": ("an-access-token", "set"),
            "LINE_API_BASE_URL": ("http://127.0.0.1:9", "http://127.0.0.1:9"),
            "LINE_DATA_API_BASE_URL": ("http://127.0.0.1:10", "http://127.0.0.1:10"),
            "TSUNAGU_WEBHOOK_HOST": ("127.0.0.2", "127.0.0.2"), "TSUNAGU_WEBHOOK_PORT": ("9001", "9001"),
            "TSUNAGU_OUTBOX_PAUSED": ("true", "true"), "TSUNAGU_WEBHOOK_BODY_SECONDS": ("7", "7"), "TSUNAGU_WEBHOOK_MAX_CONNECTIONS": ("77", "77"),
            "TSUNAGU_METRICS_TOKEN": ("a-metrics-token", "set"), "TSUNAGU_DATABASE_ALLOW_UNVERIFIED": ("true", "true"),
            "TSUNAGU_WEBHOOK_MAX_BODY_BYTES": ("2048", "2048"), "TSUNAGU_STAFF_HOST": ("127.0.0.3", "127.0.0.3"),
            "TSUNAGU_STAFF_PORT": ("9002", "9002"), "TSUNAGU_DATABASE": (database, database),
            "TSUNAGU_DATABASE_POOL_SIZE": ("7", "7"), "TSUNAGU_DURABILITY": ("normal", "normal"),
            "TSUNAGU_DATA_KEY": (TestSecrets.dataKeyBase64, "set"), "TSUNAGU_DATA_KEY_PREVIOUS": (previousKey, "set"),
            "TSUNAGU_LOG_LEVEL": ("debug", "debug"), "TSUNAGU_OUTBOX_RETRY_BASE_MS": ("7", "7"),
            "TSUNAGU_OUTBOX_RETRY_MAX_MS": ("700", "700"), "TSUNAGU_OUTBOX_LEASE_SECONDS": ("45", "45"),
            "TSUNAGU_OUTBOX_MONTHLY_PUSH_QUOTA": ("5000", "5000"), "TSUNAGU_SANDBOX_ENABLED": ("true", "true"),
            "TSUNAGU_SANDBOX_PORT": ("9003", "9003"), "TSUNAGU_SANDBOX_TOKEN": ("a-sandbox-token", "set"),
            "TSUNAGU_RETENTION_MESSAGE_DAYS": ("30", "30"),
            "TSUNAGU_RETENTION_INBOX_HOURS": ("48", "48"), "TSUNAGU_RETENTION_ADDRESS_DAYS": ("60", "60"),
            "TSUNAGU_RETENTION_IDLE_TRIAGE_DAYS": ("2", "2"), "TSUNAGU_RETENTION_IDLE_QUEUED_DAYS": ("7", "7"),
            "TSUNAGU_RETENTION_IDLE_HELD_DAYS": ("21", "21"),
            "TSUNAGU_CLAIM_LEASE_SECONDS": ("30", "30"), "TSUNAGU_CASES_PER_COUNSELLOR": ("5", "5"),
            "TSUNAGU_KPI_PEOPLE_TARGET": ("50", "50"), "TSUNAGU_STATS_MIN_CELL": ("10", "10"), "TSUNAGU_SCRIPT": (script, script),
            "TSUNAGU_KPI_NAME": ("利用者数", "利用者数"), "TSUNAGU_KPI_FORMULA": ("consultations+products", "consultations + products"),
            "TSUNAGU_RECORDS_OPEN_DAYS": ("31", "31"),
        ]
        let secretFile = directory.path("channel-secret")
        let tokenFile = directory.path("access-token")
        try TestSecrets.channelSecret.write(toFile: secretFile, atomically: true, encoding: .utf8)
        let metricsTokenFile = directory.path("metrics-token")
        try "a-metrics-token".write(toFile: metricsTokenFile, atomically: true, encoding: .utf8)
        try "a-token-from-a-file\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let sandboxTokenFile = directory.path("sandbox-token")
        try "a-sandbox-token".write(toFile: sandboxTokenFile, atomically: true, encoding: .utf8)
        let files: [String: (String, String)] = [
            "LINE_CHANNEL_SECRET_FILE": (secretFile, secretFile), "LINE_CHANNEL_ACCESS_TOKEN_FILE": (tokenFile, tokenFile),
            "TSUNAGU_DATA_KEY_FILE": (keyFile, keyFile), "TSUNAGU_DATA_KEY_PREVIOUS_FILE": (previousKeyFile, previousKeyFile),
            "TSUNAGU_DATABASE": (database, database), "TSUNAGU_SCRIPT": (script, script),
            "TSUNAGU_METRICS_TOKEN_FILE": (metricsTokenFile, metricsTokenFile), "TSUNAGU_SANDBOX_TOKEN_FILE": (sandboxTokenFile, sandboxTokenFile),
        ]
        return (inline, files)
    }

    /// Runs `tsunagud config --json` with `environment` (and `file`, if any) and checks each of `expected` is in
    /// force, from `source`.
    func check(_ expected: [String: (String, String)], environment: [String: String], file: String? = nil, source: String) async throws -> Report {
        let result = try await runDaemonCommand(["config", "--json"] + (file.map { ["--config", $0] } ?? []), environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.stdout.utf8))
        for (variable, (_, shown)) in expected {
            let row = try #require(report.settings.first { $0.variable == variable }, "\(variable) is not in the report")
            #expect(row.value == shown, "\(variable) (\(row.key)) is \(row.value) in force, not \(shown)")
            #expect(row.source == source, "\(variable) comes from \(row.source), not \(source)")
        }
        #expect(!result.stdout.contains(TestSecrets.channelSecret) && !result.stdout.contains(TestSecrets.dataKeyBase64), "a secret was shown")
        return report
    }

    @Test("every documented variable set to a non-default value is in force, and the table has a test value for every row")
    func everyVariable() async throws {
        let directory = try TemporaryDirectory()
        let (inline, files) = try Self.values(in: directory)
        let report = try await check(inline, environment: inline.mapValues(\.0).merging(["PATH": "/usr/bin:/bin"]) { $1 }, source: "environment")
        for row in report.settings {
            #expect(inline[row.variable] != nil || files[row.variable] != nil, "no test value for \(row.variable): add one")
        }
        #expect(report.settings.count == Setting.all.count)
        _ = try await check(files, environment: files.mapValues(\.0).merging(["PATH": "/usr/bin:/bin"]) { $1 }, source: "environment")
    }

    @Test("every file key set to a non-default value is in force, from the file")
    func everyFileKey() async throws {
        let directory = try TemporaryDirectory()
        let (inline, files) = try Self.values(in: directory)
        for group in [inline, files] {
            // The file, nested as config/tsunagu.yaml is, with every value quoted.
            var tree: [String: Any] = [:]
            for setting in Setting.all {
                guard let (value, _) = group[setting.variable] else { continue }
                let parts = setting.key.split(separator: ".").map(String.init)
                func insert(_ node: inout [String: Any], _ rest: ArraySlice<String>) {
                    if rest.count == 1 {
                        node[rest.first!] = value
                    } else {
                        var child = node[rest.first!] as? [String: Any] ?? [:]
                        insert(&child, rest.dropFirst())
                        node[rest.first!] = child
                    }
                }
                insert(&tree, parts[...])
            }
            func yaml(_ node: [String: Any], indent: String = "") -> String {
                node.keys.sorted().map { key in
                    if let child = node[key] as? [String: Any] { return "\(indent)\(key):\n" + yaml(child, indent: indent + "  ") }
                    return "\(indent)\(key): \"\(node[key] as! String)\"\n"
                }.joined()
            }
            let file = directory.path("tsunagu-\(group.count).yaml")
            try yaml(tree).write(toFile: file, atomically: true, encoding: .utf8)
            let report = try await check(group, environment: ["PATH": "/usr/bin:/bin"], file: file, source: "file")
            #expect(report.configFile == file)
        }
    }

    @Test("a misspelt variable is warned about at start-up, naming the setting meant, without its value")
    func startupWarning() async throws {
        let directory = try TemporaryDirectory()
        let daemon = try DaemonProcess(
            environment: DaemonProcess.environment(
                database: directory.path("tsunagu.sqlite"), extra: ["TSUNAGU_CLAIM_LEASE": "98765", "TSUNAGU_STATISTICS_MINIMUM_CELL": "3"]))
        _ = try await daemon.port(of: "webhook")
        daemon.kill(SIGTERM)
        _ = try await daemon.waitForExit()
        #expect(daemon.stderr.contains("TSUNAGU_CLAIM_LEASE is not a Tsunagu setting and is ignored; did you mean TSUNAGU_CLAIM_LEASE_SECONDS?"))
        #expect(daemon.stderr.contains("did you mean TSUNAGU_STATS_MIN_CELL?"))
        #expect(!daemon.stderr.contains("98765"), "the value of a misspelt variable was logged")
    }
}
