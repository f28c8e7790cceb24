public import Configuration

/// A setting's key in the config file and the environment variable that overrides it.
///
/// swift-configuration derives the variable from the key (`line.channelSecret` → `LINE_CHANNEL_SECRET`);
/// the variable is spelled out here too so that every error message can name it.
public struct SettingKey: Sendable {
    public let key: ConfigKey
    public let environmentVariable: String

    init(_ key: String, _ environmentVariable: String) {
        self.key = ConfigKey(key)
        self.environmentVariable = environmentVariable
    }

    public static let channelSecret = SettingKey("line.channelSecret", "LINE_CHANNEL_SECRET")
    public static let channelAccessToken = SettingKey("line.channelAccessToken", "LINE_CHANNEL_ACCESS_TOKEN")
    public static let apiBaseURL = SettingKey("line.apiBaseUrl", "LINE_API_BASE_URL")
    public static let dataAPIBaseURL = SettingKey("line.dataApiBaseUrl", "LINE_DATA_API_BASE_URL")
    public static let webhookHost = SettingKey("tsunagu.webhook.host", "TSUNAGU_WEBHOOK_HOST")
    public static let webhookPort = SettingKey("tsunagu.webhook.port", "TSUNAGU_WEBHOOK_PORT")
    public static let webhookMaxBodyBytes = SettingKey("tsunagu.webhook.maxBodyBytes", "TSUNAGU_WEBHOOK_MAX_BODY_BYTES")
    public static let staffHost = SettingKey("tsunagu.staff.host", "TSUNAGU_STAFF_HOST")
    public static let staffPort = SettingKey("tsunagu.staff.port", "TSUNAGU_STAFF_PORT")
    public static let database = SettingKey("tsunagu.database", "TSUNAGU_DATABASE")
    public static let databasePoolSize = SettingKey("tsunagu.databasePoolSize", "TSUNAGU_DATABASE_POOL_SIZE")
    public static let durability = SettingKey("tsunagu.durability", "TSUNAGU_DURABILITY")
    public static let dataKey = SettingKey("tsunagu.dataKey", "TSUNAGU_DATA_KEY")
    public static let dataKeyFile = SettingKey("tsunagu.dataKeyFile", "TSUNAGU_DATA_KEY_FILE")
    public static let previousDataKey = SettingKey("tsunagu.previousDataKey", "TSUNAGU_DATA_KEY_PREVIOUS")
    public static let previousDataKeyFile = SettingKey("tsunagu.previousDataKeyFile", "TSUNAGU_DATA_KEY_PREVIOUS_FILE")
    public static let logLevel = SettingKey("tsunagu.logLevel", "TSUNAGU_LOG_LEVEL")
    public static let outboxRetryBase = SettingKey("tsunagu.outbox.retryBaseMs", "TSUNAGU_OUTBOX_RETRY_BASE_MS")
    public static let outboxRetryMax = SettingKey("tsunagu.outbox.retryMaxMs", "TSUNAGU_OUTBOX_RETRY_MAX_MS")
    public static let outboxLeaseSeconds = SettingKey("tsunagu.outbox.leaseSeconds", "TSUNAGU_OUTBOX_LEASE_SECONDS")
    public static let monthlyPushQuota = SettingKey("tsunagu.outbox.monthlyPushQuota", "TSUNAGU_OUTBOX_MONTHLY_PUSH_QUOTA")
    public static let sandboxEnabled = SettingKey("tsunagu.sandbox.enabled", "TSUNAGU_SANDBOX_ENABLED")
    public static let sandboxPort = SettingKey("tsunagu.sandbox.port", "TSUNAGU_SANDBOX_PORT")
    public static let script = SettingKey("tsunagu.script", "TSUNAGU_SCRIPT")
    public static let claimLeaseSeconds = SettingKey("tsunagu.cases.leaseSeconds", "TSUNAGU_CLAIM_LEASE_SECONDS")
    public static let casesPerCounsellor = SettingKey("tsunagu.cases.perCounsellor", "TSUNAGU_CASES_PER_COUNSELLOR")
    public static let kpiPeopleTarget = SettingKey("tsunagu.statistics.peopleTarget", "TSUNAGU_KPI_PEOPLE_TARGET")
    public static let statisticsMinimumCell = SettingKey("tsunagu.statistics.minimumCell", "TSUNAGU_STATS_MIN_CELL")
    public static let retentionMessageDays = SettingKey("tsunagu.retention.messageDays", "TSUNAGU_RETENTION_MESSAGE_DAYS")

    /// The variables whose values are secrets: marked secret when read, so no access report can show them.
    /// (`TSUNAGU_DATABASE` is one because a `postgres://` URL may carry a password.)
    public static let secretVariables: Set<String> = [
        "LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "TSUNAGU_DATA_KEY", "TSUNAGU_DATA_KEY_PREVIOUS", "TSUNAGU_DATABASE",
    ]
}
