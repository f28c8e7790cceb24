public import Configuration
import Foundation
public import Logging
public import TsunaguStore
public import TsunaguCore

/// Everything `tsunagud serve` needs, read and validated once at start-up.
///
/// Keys (file key → environment variable, default; see `config/tsunagu.yaml`):
/// - `line.channelSecret` → `LINE_CHANNEL_SECRET`, required, secret
/// - `line.channelAccessToken` → `LINE_CHANNEL_ACCESS_TOKEN`, empty, secret (used by the outbound client)
/// - `line.apiBaseUrl` → `LINE_API_BASE_URL`, `https://api.line.me`
/// - `line.dataApiBaseUrl` → `LINE_DATA_API_BASE_URL`, `https://api-data.line.me`
/// - `tsunagu.webhook.host`/`port` → `TSUNAGU_WEBHOOK_HOST`/`_PORT`, `0.0.0.0:8080`
/// - `tsunagu.webhook.maxBodyBytes` → `TSUNAGU_WEBHOOK_MAX_BODY_BYTES`, 1 MiB
/// - `tsunagu.staff.host`/`port` → `TSUNAGU_STAFF_HOST`/`_PORT`, `127.0.0.1:8081`
/// - `tsunagu.database` → `TSUNAGU_DATABASE`, `data/tsunagu.sqlite`, secret: a SQLite file, or a `postgres://`
///   URL shared by several instances (see `docs/deployment.md`)
/// - `tsunagu.databasePoolSize` → `TSUNAGU_DATABASE_POOL_SIZE`, `10`: this instance's PostgreSQL connections
/// - `tsunagu.durability` → `TSUNAGU_DURABILITY`, `full` (or `normal`)
/// - `tsunagu.dataKey` → `TSUNAGU_DATA_KEY`, secret; or `tsunagu.dataKeyFile` → `TSUNAGU_DATA_KEY_FILE`
/// - `tsunagu.previousDataKey` → `TSUNAGU_DATA_KEY_PREVIOUS`, secret; or `tsunagu.previousDataKeyFile` →
///   `TSUNAGU_DATA_KEY_PREVIOUS_FILE`: the old master key while rotating to a new one
/// - `tsunagu.logLevel` → `TSUNAGU_LOG_LEVEL`, `info`
/// - `tsunagu.outbox.retryBaseMs`/`retryMaxMs` → `TSUNAGU_OUTBOX_RETRY_BASE_MS`/`_MAX_MS`, `500`/`300000`:
///   the first retry's delay and the longest, for sends LINE did not accept
/// - `tsunagu.outbox.monthlyPushQuota` → `TSUNAGU_OUTBOX_MONTHLY_PUSH_QUOTA`, `200`: the plan's monthly
///   push allowance, for the 80 % warning and the quota metric (0: no warning)
/// - `tsunagu.outbox.leaseSeconds` → `TSUNAGU_OUTBOX_LEASE_SECONDS`, `60`: on PostgreSQL, how long before
///   another instance takes over a send whose instance died
/// - `tsunagu.sandbox.enabled`/`port` → `TSUNAGU_SANDBOX_ENABLED`/`_PORT`, `false`/`8082`: run the LINE
///   sandbox in-process on loopback and send to it instead of LINE
/// - `tsunagu.retention.messageDays` → `TSUNAGU_RETENTION_MESSAGE_DAYS`, `90`: days after a case closes until
///   its messages are destroyed (the anonymous triage record stays)
/// - `tsunagu.cases.leaseSeconds` → `TSUNAGU_CLAIM_LEASE_SECONDS`, `600`: how long a counsellor's claim on a
///   case lasts without her acting on it or her client polling, before the case is back in the queue
/// - `tsunagu.cases.perCounsellor` → `TSUNAGU_CASES_PER_COUNSELLOR`, `3`: the most open cases one counsellor
///   may hold at once
/// - `tsunagu.statistics.peopleTarget` → `TSUNAGU_KPI_PEOPLE_TARGET`, `1000`: the programme's KPI for people
///   reached in a year, against which statistics report the achievement rate
/// - `tsunagu.statistics.minimumCell` → `TSUNAGU_STATS_MIN_CELL`, `5`: counts below it are published as 「<5」
/// - `tsunagu.script` → `TSUNAGU_SCRIPT`, `config/script.ja.yaml`: the conversation script, loaded and
///   validated here so a broken script stops start-up
public struct TsunaguConfiguration: Sendable {
    public var channelSecret: String
    public var channelAccessToken: String?
    public var apiBaseURL: String
    public var dataAPIBaseURL: String
    public var webhookHost: String
    public var webhookPort: Int
    public var webhookMaxBodyBytes: Int
    public var staffHost: String
    public var staffPort: Int
    /// Where the data lives: the embedded SQLite file or a shared PostgreSQL.
    public var database: DatabaseSetting
    /// The most connections this instance opens to PostgreSQL.
    public var databasePoolSize: Int
    public var durability: Durability
    public var dataKey: DataKey
    /// The previous master key, while rotating (`TSUNAGU_DATA_KEY_PREVIOUS`).
    public var previousDataKey: DataKey?
    public var logLevel: Logger.Level
    /// Retry delays of the outbox (the rest of the policy is LINE's rules).
    public var deliveryPolicy: DeliveryPolicy
    /// On PostgreSQL: how long a send an instance took is its alone (after that another instance may take it).
    public var outboxLease: Duration
    /// The plan's monthly push allowance (0: not tracked against a quota).
    public var monthlyPushQuota: Int
    /// The in-process LINE sandbox's port, when sandbox mode is on.
    public var sandboxPort: Int?
    /// Days after a case closes until its content is destroyed.
    public var retentionMessageDays: Int
    /// Claim leases and the per-counsellor cap.
    public var desk: CaseDesk.Settings
    /// The KPI target and the smallest count published.
    public var statistics: StatisticsSettings
    /// The conversation script's path, and the engine made from it.
    public var scriptPath: String
    public var engine: TriageEngine

    /// Reads and validates every setting.
    ///
    /// - Throws: ``StartupError`` naming the first setting that is missing or malformed.
    public init(reader: ConfigReader) throws {
        func string(_ setting: SettingKey, secret: Bool = false) -> String? { Self.value(setting, secret: secret, in: reader) }
        func integer(_ setting: SettingKey, default value: Int, in range: ClosedRange<Int>, what: String) throws -> Int {
            guard let text = string(setting) else { return value }
            guard let number = Int(text), range.contains(number) else {
                throw StartupError("\(setting.environmentVariable) must be \(what), not \"\(text)\".")
            }
            return number
        }

        guard let secret = string(.channelSecret, secret: true) else {
            throw StartupError(
                "LINE_CHANNEL_SECRET is not set; set it to the channel secret from the LINE Developers Console (scripts/run makes a local one).")
        }
        self.channelSecret = secret
        self.channelAccessToken = string(.channelAccessToken, secret: true)
        self.apiBaseURL = string(.apiBaseURL) ?? "https://api.line.me"
        self.dataAPIBaseURL = string(.dataAPIBaseURL) ?? "https://api-data.line.me"
        self.webhookHost = string(.webhookHost) ?? "0.0.0.0"
        self.webhookPort = try integer(.webhookPort, default: 8080, in: 0...65535, what: "a port number from 0 to 65535")
        self.webhookMaxBodyBytes = try integer(
            .webhookMaxBodyBytes, default: 1 << 20, in: 1024...(64 << 20), what: "a byte count from 1024 to 67108864")
        self.staffHost = string(.staffHost) ?? "127.0.0.1"
        self.staffPort = try integer(.staffPort, default: 8081, in: 0...65535, what: "a port number from 0 to 65535")
        self.database = try Self.database(reader: reader)
        self.databasePoolSize = try integer(.databasePoolSize, default: 10, in: 1...200, what: "a number of connections from 1 to 200")

        let durabilityText = string(.durability) ?? Durability.full.rawValue
        guard let durability = Durability(rawValue: durabilityText.lowercased()) else {
            throw StartupError("TSUNAGU_DURABILITY must be full or normal, not \"\(durabilityText)\".")
        }
        self.durability = durability

        let levelText = string(.logLevel) ?? "info"
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw StartupError("TSUNAGU_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical.")
        }
        self.logLevel = level
        var policy = DeliveryPolicy()
        policy.baseBackoffMs = Int64(try integer(.outboxRetryBase, default: 500, in: 1...60_000, what: "milliseconds from 1 to 60000"))
        policy.maxBackoffMs = Int64(
            try integer(.outboxRetryMax, default: 300_000, in: 10...3_600_000, what: "milliseconds from 10 to 3600000"))
        self.deliveryPolicy = policy
        self.outboxLease = .seconds(try integer(.outboxLeaseSeconds, default: 60, in: 5...3600, what: "seconds from 5 to 3600"))
        self.monthlyPushQuota = try integer(.monthlyPushQuota, default: 200, in: 0...100_000_000, what: "a number of messages")
        let sandboxText = string(.sandboxEnabled)?.lowercased() ?? "false"
        guard ["true", "false", "1", "0", "yes", "no"].contains(sandboxText) else {
            throw StartupError("TSUNAGU_SANDBOX_ENABLED must be true or false, not \"\(sandboxText)\".")
        }
        let sandboxPort = try integer(.sandboxPort, default: 8082, in: 0...65535, what: "a port number from 0 to 65535")
        self.sandboxPort = ["true", "1", "yes"].contains(sandboxText) ? sandboxPort : nil
        if self.sandboxPort != nil {
            // The client talks to the in-process sandbox (its address is set once its port is known), with a
            // token the sandbox accepts.
            self.channelAccessToken = self.channelAccessToken ?? "sandbox-access-token"
        }
        self.dataKey = try Self.readDataKey(inline: string(.dataKey, secret: true), file: string(.dataKeyFile))
        self.previousDataKey = try Self.previousDataKey(reader: reader)
        self.retentionMessageDays = try Self.retentionDays(reader: reader)
        self.desk = CaseDesk.Settings(
            lease: .seconds(try integer(.claimLeaseSeconds, default: 600, in: 30...86_400, what: "seconds from 30 to 86400")),
            casesPerCounsellor: try integer(.casesPerCounsellor, default: 3, in: 1...50, what: "a number of cases from 1 to 50"))
        self.statistics = StatisticsSettings(
            peopleTarget: try integer(.kpiPeopleTarget, default: 1000, in: 0...10_000_000, what: "a number of people"),
            minimumCell: try integer(.statisticsMinimumCell, default: 5, in: 2...100, what: "a count from 2 to 100"))
        self.scriptPath = string(.script) ?? "config/script.ja.yaml"
        self.engine = try ScriptLoader.load(path: scriptPath)
    }

    /// The retention period alone, for `tsunagud purge`.
    public static func retentionDays(reader: ConfigReader) throws -> Int {
        guard let text = value(.retentionMessageDays, in: reader) else { return 90 }
        guard let days = Int(text), (1...3650).contains(days) else {
            throw StartupError("TSUNAGU_RETENTION_MESSAGE_DAYS must be a number of days from 1 to 3650, not \"\(text)\".")
        }
        return days
    }

    /// `TSUNAGU_DATABASE`: a SQLite file path, or a `postgres://` URL.
    ///
    /// - Throws: ``StartupError`` naming what is wrong with a PostgreSQL URL (never its password).
    public static func database(reader: ConfigReader) throws -> DatabaseSetting {
        try DatabaseSetting(value(.database, secret: true, in: reader) ?? "data/tsunagu.sqlite")
    }

    private static func readDataKey(inline: String?, file: String?, variable: String = "TSUNAGU_DATA_KEY") throws -> DataKey {
        let hint = "generate one with: head -c 32 /dev/urandom | base64"
        if let inline {
            guard let key = DataKey(base64: inline) else {
                throw StartupError("\(variable) is not a Base64-encoded 32-byte key; \(hint).")
            }
            return key
        }
        guard let file else {
            throw StartupError("Neither \(variable) nor \(variable)_FILE is set; \(hint).")
        }
        guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw StartupError("\(variable)_FILE names \(file), which cannot be read.")
        }
        guard let key = DataKey(base64: contents) else {
            throw StartupError("\(variable)_FILE (\(file)) does not hold a Base64-encoded 32-byte key; \(hint).")
        }
        return key
    }

    /// The previous master key, while rotating to a new one (see ``Keyring``); `nil` when not rotating.
    public static func previousDataKey(reader: ConfigReader) throws -> DataKey? {
        let inline = value(.previousDataKey, secret: true, in: reader), file = value(.previousDataKeyFile, in: reader)
        guard inline != nil || file != nil else { return nil }
        return try readDataKey(inline: inline, file: file, variable: "TSUNAGU_DATA_KEY_PREVIOUS")
    }

    /// The master key alone, for `tsunagud rotate-key`.
    public static func dataKey(reader: ConfigReader) throws -> DataKey {
        try readDataKey(inline: value(.dataKey, secret: true, in: reader), file: value(.dataKeyFile, in: reader))
    }

    /// A setting's value, trimmed; `nil` when unset or blank (secrets are read as secrets).
    private static func value(_ setting: SettingKey, secret: Bool = false, in reader: ConfigReader) -> String? {
        guard let value = reader.string(forKey: setting.key, isSecret: secret)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !value.isEmpty
        else { return nil }
        return value
    }
}
