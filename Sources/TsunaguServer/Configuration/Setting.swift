public import Configuration
import TsunaguCore

/// One setting of `tsunagud`: its key in the config file, the environment variable that overrides it, its
/// default, whether it is a secret, and the values it takes.
///
/// ``Setting/all`` is the only place these facts live. The reader maps each documented variable to its key, so
/// the name the README gives is the name that is read (swift-configuration would otherwise derive a variable
/// from the key, and a documented name that differs would be silently ignored). Start-up warns about
/// `TSUNAGU_*` variables and file keys that are not in the table, `tsunagud config` shows what is in force,
/// and the README's table is generated from it (`tsunagud config --markdown`).
public struct Setting: Sendable, Hashable, CustomStringConvertible {
    /// What a setting accepts.
    public enum Values: Sendable, Hashable {
        case text
        /// A whole number in `range`; `what` completes "VARIABLE must be …" in the error.
        case integer(ClosedRange<Int>, what: String)
        /// One of these words, in any case.
        case oneOf([String])
    }

    /// The config file's key, dotted (`tsunagu.cases.leaseSeconds`).
    public let key: String
    /// The environment variable that overrides the file.
    public let variable: String
    /// The value when neither sets it; `nil` when there is none (required, or optional with no default).
    public let defaultValue: String?
    /// Read as a secret: never logged or shown, only whether it is set.
    public let isSecret: Bool
    public let values: Values
    /// One line for the README's table and `tsunagud config`.
    public let summary: String

    init(
        _ key: String, _ variable: String, default defaultValue: String? = nil, secret: Bool = false, accepts values: Values = .text,
        _ summary: String
    ) {
        self.key = key
        self.variable = variable
        self.defaultValue = defaultValue
        self.isSecret = secret
        self.values = values
        self.summary = summary
    }

    public var configKey: ConfigKey { ConfigKey(key) }
    public var description: String { variable }

    public static let channelSecret = Setting(
        "line.channelSecret", "LINE_CHANNEL_SECRET", secret: true,
        "**required**: the channel secret from the LINE Developers Console, which signs every webhook")
    public static let channelAccessToken = Setting(
        "line.channelAccessToken", "LINE_CHANNEL_ACCESS_TOKEN", secret: true, "the channel access token, for replies and pushes")
    public static let channelSecretFile = Setting(
        "line.channelSecretFile", "LINE_CHANNEL_SECRET_FILE", "a file holding the channel secret (a systemd credential, say)")
    public static let channelAccessTokenFile = Setting(
        "line.channelAccessTokenFile", "LINE_CHANNEL_ACCESS_TOKEN_FILE", "a file holding the channel access token")
    public static let apiBaseURL = Setting("line.apiBaseUrl", "LINE_API_BASE_URL", default: "https://api.line.me", "the Messaging API")
    public static let dataAPIBaseURL = Setting(
        "line.dataApiBaseUrl", "LINE_DATA_API_BASE_URL", default: "https://api-data.line.me", "LINE's content API")
    public static let webhookHost = Setting(
        "tsunagu.webhook.host", "TSUNAGU_WEBHOOK_HOST", default: "0.0.0.0", "the public listener (`POST /webhook`, `GET /healthz`)")
    public static let webhookPort = Setting(
        "tsunagu.webhook.port", "TSUNAGU_WEBHOOK_PORT", default: "8080", accepts: .integer(0...65535, what: "a port number from 0 to 65535"),
        "its port; 0 picks a free one and logs it")
    public static let webhookMaxBodyBytes = Setting(
        "tsunagu.webhook.maxBodyBytes", "TSUNAGU_WEBHOOK_MAX_BODY_BYTES", default: "1048576",
        accepts: .integer(1024...(64 << 20), what: "a byte count from 1024 to 67108864"), "larger bodies get 413 without being read")
    public static let webhookBodySeconds = Setting(
        "tsunagu.webhook.bodySeconds", "TSUNAGU_WEBHOOK_BODY_SECONDS", default: "10", accepts: .integer(1...300, what: "seconds from 1 to 300"),
        "a request's whole body must arrive within this (408 otherwise), however it trickles")
    public static let webhookMaxConnections = Setting(
        "tsunagu.webhook.maxConnections", "TSUNAGU_WEBHOOK_MAX_CONNECTIONS", default: "1000",
        accepts: .integer(1...100_000, what: "a number of connections from 1 to 100000"),
        "open connections at most; more wait in the kernel's queue until one closes")
    public static let staffHost = Setting(
        "tsunagu.staff.host", "TSUNAGU_STAFF_HOST", default: "127.0.0.1",
        "the staff listener (staff API, `/metrics`): keep it on loopback or a private network")
    public static let staffPort = Setting(
        "tsunagu.staff.port", "TSUNAGU_STAFF_PORT", default: "8081", accepts: .integer(0...65535, what: "a port number from 0 to 65535"),
        "its port")
    public static let metricsToken = Setting(
        "tsunagu.staff.metricsToken", "TSUNAGU_METRICS_TOKEN", secret: true,
        "the bearer token `GET /metrics` requires; without one, `/metrics` is served only on a loopback staff listener")
    public static let metricsTokenFile = Setting(
        "tsunagu.staff.metricsTokenFile", "TSUNAGU_METRICS_TOKEN_FILE", "a file holding the metrics token")
    public static let database = Setting(
        "tsunagu.database", "TSUNAGU_DATABASE", default: "data/tsunagu.sqlite", secret: true,
        "a SQLite file (one instance), or `postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=verify-full&sslrootcert=FILE` shared by several instances ([`docs/deployment.md`](docs/deployment.md)); a secret because the URL may hold a password"
    )
    public static let databaseAllowUnverified = Setting(
        "tsunagu.databaseAllowUnverified", "TSUNAGU_DATABASE_ALLOW_UNVERIFIED", default: "false",
        accepts: .oneOf(["true", "false", "1", "0", "yes", "no"]),
        "PostgreSQL: accept a server on another machine without `sslmode=verify-full` (refused otherwise)")
    public static let databasePoolSize = Setting(
        "tsunagu.databasePoolSize", "TSUNAGU_DATABASE_POOL_SIZE", default: "10",
        accepts: .integer(1...200, what: "a number of connections from 1 to 200"), "PostgreSQL: the most connections this instance opens")
    public static let durability = Setting(
        "tsunagu.durability", "TSUNAGU_DURABILITY", default: "full", accepts: .oneOf(["full", "normal"]),
        "`full` survives power loss; `normal` survives a crash")
    public static let dataKey = Setting(
        "tsunagu.dataKey", "TSUNAGU_DATA_KEY", secret: true,
        "**required** (or the file below): 32 random bytes, Base64, that seal her data and key the pseudonyms")
    public static let dataKeyFile = Setting("tsunagu.dataKeyFile", "TSUNAGU_DATA_KEY_FILE", "a file holding the data key")
    public static let previousDataKey = Setting(
        "tsunagu.previousDataKey", "TSUNAGU_DATA_KEY_PREVIOUS", secret: true, "only while rotating: the old data key")
    public static let previousDataKeyFile = Setting(
        "tsunagu.previousDataKeyFile", "TSUNAGU_DATA_KEY_PREVIOUS_FILE", "only while rotating: a file holding the old data key")
    public static let logLevel = Setting(
        "tsunagu.logLevel", "TSUNAGU_LOG_LEVEL", default: "info",
        accepts: .oneOf(["trace", "debug", "info", "notice", "warning", "error", "critical"]), "no level logs her id or her words")
    public static let outboxRetryBase = Setting(
        "tsunagu.outbox.retryBaseMs", "TSUNAGU_OUTBOX_RETRY_BASE_MS", default: "500",
        accepts: .integer(1...60_000, what: "milliseconds from 1 to 60000"), "the first retry's delay for a send LINE did not accept")
    public static let outboxRetryMax = Setting(
        "tsunagu.outbox.retryMaxMs", "TSUNAGU_OUTBOX_RETRY_MAX_MS", default: "300000",
        accepts: .integer(10...3_600_000, what: "milliseconds from 10 to 3600000"), "the longest retry delay")
    public static let outboxLeaseSeconds = Setting(
        "tsunagu.outbox.leaseSeconds", "TSUNAGU_OUTBOX_LEASE_SECONDS", default: "60", accepts: .integer(5...3600, what: "seconds from 5 to 3600"),
        "PostgreSQL: after this long, another instance takes over a send whose instance died")
    public static let monthlyPushQuota = Setting(
        "tsunagu.outbox.monthlyPushQuota", "TSUNAGU_OUTBOX_MONTHLY_PUSH_QUOTA", default: "200",
        accepts: .integer(0...100_000_000, what: "a number of messages"), "the plan's monthly push allowance: a warning at 80 % (0: off)")
    public static let outboxPaused = Setting(
        "tsunagu.outbox.paused", "TSUNAGU_OUTBOX_PAUSED", default: "false", accepts: .oneOf(["true", "false", "1", "0", "yes", "no"]),
        "send nothing: replies wait in the outbox (restore drills on real data)")
    public static let sandboxEnabled = Setting(
        "tsunagu.sandbox.enabled", "TSUNAGU_SANDBOX_ENABLED", default: "false", accepts: .oneOf(["true", "false", "1", "0", "yes", "no"]),
        "run the LINE sandbox in-process and send to it instead of LINE")
    public static let sandboxPort = Setting(
        "tsunagu.sandbox.port", "TSUNAGU_SANDBOX_PORT", default: "8082", accepts: .integer(0...65535, what: "a port number from 0 to 65535"),
        "the sandbox's loopback port")
    public static let sandboxToken = Setting(
        "tsunagu.sandbox.token", "TSUNAGU_SANDBOX_TOKEN", secret: true,
        "the bearer token the sandbox's `/sandbox/*` endpoints require (`tsunagu phone` sends it too); unset, a random one is made at start and logged"
    )
    public static let sandboxTokenFile = Setting(
        "tsunagu.sandbox.tokenFile", "TSUNAGU_SANDBOX_TOKEN_FILE",
        "a file holding the sandbox's token (`scripts/run` keeps one in `data/local-sandbox-token`)")
    public static let retentionMessageDays = Setting(
        "tsunagu.retention.messageDays", "TSUNAGU_RETENTION_MESSAGE_DAYS", default: "90",
        accepts: .integer(1...3650, what: "a number of days from 1 to 3650"), "days after a case closes until its messages are destroyed")
    public static let retentionInboxHours = Setting(
        "tsunagu.retention.inboxHours", "TSUNAGU_RETENTION_INBOX_HOURS", default: "24",
        accepts: .integer(1...720, what: "a number of hours from 1 to 720"), "hours after an event is processed until its inbox row is deleted")
    public static let retentionAddressDays = Setting(
        "tsunagu.retention.addressDays", "TSUNAGU_RETENTION_ADDRESS_DAYS", default: "30",
        accepts: .integer(1...3650, what: "a number of days from 1 to 3650"),
        "days of silence after which her sealed LINE id is deleted, unless a send, an open case or announcements need it")
    public static let retentionIdleTriageDays = Setting(
        "tsunagu.retention.idleTriageDays", "TSUNAGU_RETENTION_IDLE_TRIAGE_DAYS", default: "1",
        accepts: .integer(1...365, what: "a number of days from 1 to 365"),
        "days without a word after which a case still in triage closes (`no-response`)")
    public static let retentionIdleQueuedDays = Setting(
        "tsunagu.retention.idleQueuedDays", "TSUNAGU_RETENTION_IDLE_QUEUED_DAYS", default: "14",
        accepts: .integer(1...365, what: "a number of days from 1 to 365"), "days without a word after which a case waiting in the queue closes")
    public static let retentionIdleHeldDays = Setting(
        "tsunagu.retention.idleHeldDays", "TSUNAGU_RETENTION_IDLE_HELD_DAYS", default: "30",
        accepts: .integer(1...365, what: "a number of days from 1 to 365"), "days without a word after which a case a counsellor holds closes")
    public static let claimLeaseSeconds = Setting(
        "tsunagu.cases.leaseSeconds", "TSUNAGU_CLAIM_LEASE_SECONDS", default: "600", accepts: .integer(30...86_400, what: "seconds from 30 to 86400"),
        "a claim lapses after this long without the counsellor acting or their client polling")
    public static let casesPerCounsellor = Setting(
        "tsunagu.cases.perCounsellor", "TSUNAGU_CASES_PER_COUNSELLOR", default: "3",
        accepts: .integer(1...50, what: "a number of cases from 1 to 50"), "the most open cases one counsellor may hold")
    public static let kpiPeopleTarget = Setting(
        "tsunagu.statistics.peopleTarget", "TSUNAGU_KPI_PEOPLE_TARGET", default: "1000",
        accepts: .integer(0...10_000_000, what: "a number of people"), "the programme's KPI: people reached, for the achievement rate")
    public static let statisticsMinimumCell = Setting(
        "tsunagu.statistics.minimumCell", "TSUNAGU_STATS_MIN_CELL", default: "5", accepts: .integer(2...100, what: "a count from 2 to 100"),
        "counts from 1 to this − 1 are published as `<5`")
    public static let kpiName = Setting(
        "tsunagu.statistics.kpiName", "TSUNAGU_KPI_NAME", default: "事業利用者数（人）", "the KPI's name in the programme report")
    public static let kpiFormula = Setting(
        "tsunagu.statistics.kpiFormula", "TSUNAGU_KPI_FORMULA", default: KPIFormula.programme.description,
        "what the KPI adds up, from: \(KPIFormula.termList)")
    public static let recordsOpenDays = Setting(
        "tsunagu.statistics.recordsOpenDays", "TSUNAGU_RECORDS_OPEN_DAYS", default: "10",
        accepts: .integer(0...366, what: "a number of days from 0 to 366"),
        "days after a month ends that records may still be dated in it; then its figures are published and closed")
    public static let script = Setting(
        "tsunagu.script", "TSUNAGU_SCRIPT", default: "config/script.ja.yaml", "the conversation script")

    /// Every setting, in the order the README and `tsunagud config` list them.
    public static let all: [Setting] = [
        channelSecret, channelAccessToken, channelSecretFile, channelAccessTokenFile, apiBaseURL, dataAPIBaseURL, webhookHost,
        webhookPort, webhookMaxBodyBytes, webhookBodySeconds, webhookMaxConnections, staffHost, staffPort, metricsToken, metricsTokenFile,
        database, databaseAllowUnverified, databasePoolSize, durability, dataKey, dataKeyFile, previousDataKey, previousDataKeyFile,
        logLevel,
        outboxRetryBase, outboxRetryMax, outboxLeaseSeconds, monthlyPushQuota, outboxPaused, sandboxEnabled, sandboxPort,
        sandboxToken, sandboxTokenFile,
        retentionMessageDays, retentionInboxHours, retentionAddressDays, retentionIdleTriageDays, retentionIdleQueuedDays,
        retentionIdleHeldDays,
        claimLeaseSeconds, casesPerCounsellor, kpiPeopleTarget, kpiName, kpiFormula, recordsOpenDays, statisticsMinimumCell, script,
    ]

    /// `TSUNAGU_*` variables that are not settings of the server but are read elsewhere, so start-up does not
    /// warn about them: the config file's own path, the counsellor CLI's, and the test suite's.
    public static let otherVariables: [String: String] = [
        "TSUNAGU_CONFIG": "the YAML config file, like `--config`",
        "TSUNAGU_SERVER": "the `tsunagu` CLI: the staff listener's address, overriding the saved login",
        "TSUNAGU_TOKEN": "the `tsunagu` CLI: a staff token, overriding the saved login",
        "TSUNAGU_SANDBOX_URL": "the `tsunagu phone` practice phone: the sandbox's address",
        "TSUNAGU_TEST_POSTGRES_URL": "the test suite: a PostgreSQL server of your own",
        "TSUNAGU_CHAOS_ROUNDS": "the test suite: how many chaos rounds",
        "TSUNAGU_CHAOS_SEED": "the test suite: the first chaos round's seed",
    ]
}
