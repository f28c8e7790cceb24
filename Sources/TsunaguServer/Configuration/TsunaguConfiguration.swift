public import Configuration
import Foundation
public import Logging
public import TsunaguCore
public import TsunaguSQLite

/// Everything `tsunagud serve` needs, read and validated once at start-up.
///
/// Every setting, its file key, variable, default and accepted values are in ``Setting/all`` (and, generated
/// from it, the README's table); `config/tsunagu.yaml` shows each with its default.
public struct TsunaguConfiguration: Sendable {
    public var channelSecret: String
    public var channelAccessToken: String?
    /// The files the channel secret and access token were read from, when they came from files.
    public var channelSecretFile: String?
    public var channelAccessTokenFile: String?
    public var apiBaseURL: String
    public var dataAPIBaseURL: String
    public var webhookHost: String
    public var webhookPort: Int
    public var webhookMaxBodyBytes: Int
    /// Seconds a request's whole body may take to arrive.
    public var webhookBodySeconds: Int
    /// Open connections the public listener accepts at once.
    public var webhookMaxConnections: Int
    public var staffHost: String
    public var staffPort: Int
    /// Who may read `GET /metrics` (`TSUNAGU_METRICS_TOKEN`, and whether the staff listener is on loopback).
    public var metricsAccess: MetricsAccess
    /// The file the metrics token was read from, when it came from a file.
    public var metricsTokenFile: String?
    /// `TSUNAGU_DATABASE_ALLOW_UNVERIFIED`: PostgreSQL on another machine without `verify-full` was accepted.
    public var databaseAllowsUnverified: Bool
    /// Where the data lives: the embedded SQLite file or a shared PostgreSQL.
    public var database: DatabaseSetting
    /// The most connections this instance opens to PostgreSQL.
    public var databasePoolSize: Int
    public var durability: Durability
    public var dataKey: DataKey
    /// The file the data key was read from, when it came from a file.
    public var dataKeyFile: String?
    /// Refuses a key file that its group or others may read: the master key opens every sealed word of hers.
    ///
    /// - Throws: ``StartupError`` naming `name` and the command that fixes it.
    public static func requireOwnerOnly(_ file: String, named name: String) throws {
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: file))?[.posixPermissions] as? Int, mode & 0o077 != 0 else {
            return
        }
        throw StartupError("\(name) (\(file)) can be read by others than its owner; make it owner-only with: chmod 600 \(file)")
    }

    /// The previous master key, while rotating (`TSUNAGU_DATA_KEY_PREVIOUS`).
    public var previousDataKey: DataKey?
    /// The file the previous key was read from, when it came from a file.
    public var previousDataKeyFile: String?
    public var logLevel: Logger.Level
    /// Retry delays of the outbox (the rest of the policy is LINE's rules).
    public var deliveryPolicy: DeliveryPolicy
    /// On PostgreSQL: how long a send an instance took is its alone (after that another instance may take it).
    public var outboxLease: Duration
    /// The plan's monthly push allowance (0: not tracked against a quota).
    public var monthlyPushQuota: Int
    /// `TSUNAGU_OUTBOX_PAUSED`: no sender runs, so nothing reaches LINE or the sandbox (restore drills).
    public var outboxPaused: Bool
    /// The in-process LINE sandbox's port, when sandbox mode is on.
    public var sandboxPort: Int?
    /// The bearer token the sandbox's `/sandbox/*` endpoints require (`TSUNAGU_SANDBOX_TOKEN`); `nil`: made at start.
    public var sandboxToken: String?
    /// The file the sandbox's token was read from, when it came from a file.
    public var sandboxTokenFile: String?
    /// Whether a channel access token was configured (not the sandbox's stand-in).
    public var hasRealAccessToken: Bool
    /// Days after a case closes until its content is destroyed.
    public var retentionMessageDays: Int
    /// Every retention period (`retentionMessageDays` among them).
    public var retention: RetentionService.Periods
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
        func string(_ setting: Setting) -> String? { Self.value(setting, in: reader) ?? setting.defaultValue }
        func integer(_ setting: Setting) throws -> Int { try Self.integer(setting, in: reader) }
        func choice(_ setting: Setting) throws -> String { try Self.choice(setting, in: reader) }

        guard let secret = try Self.secret(.channelSecret, file: .channelSecretFile, in: reader) else {
            throw StartupError(
                "LINE_CHANNEL_SECRET is not set; set it (or LINE_CHANNEL_SECRET_FILE) to the channel secret from the LINE Developers Console (scripts/run makes a local one)."
            )
        }
        (self.channelSecret, self.channelSecretFile) = secret
        let token = try Self.secret(.channelAccessToken, file: .channelAccessTokenFile, in: reader)
        (self.channelAccessToken, self.channelAccessTokenFile) = (token?.text, token?.file)
        self.apiBaseURL = string(.apiBaseURL)!
        self.dataAPIBaseURL = string(.dataAPIBaseURL)!
        self.webhookHost = string(.webhookHost)!
        self.webhookPort = try integer(.webhookPort)
        self.webhookMaxBodyBytes = try integer(.webhookMaxBodyBytes)
        self.webhookBodySeconds = try integer(.webhookBodySeconds)
        self.webhookMaxConnections = try integer(.webhookMaxConnections)
        self.staffHost = string(.staffHost)!
        self.staffPort = try integer(.staffPort)
        let metricsToken = try Self.secret(.metricsToken, file: .metricsTokenFile, in: reader)
        self.metricsAccess = MetricsAccess(token: metricsToken?.text, staffHost: staffHost)
        self.metricsTokenFile = metricsToken?.file
        self.databaseAllowsUnverified = ["true", "1", "yes"].contains(try choice(.databaseAllowUnverified))
        self.database = try Self.database(reader: reader)
        self.databasePoolSize = try integer(.databasePoolSize)
        self.durability = Durability(rawValue: try choice(.durability))!
        self.logLevel = Logger.Level(rawValue: try choice(.logLevel))!
        var policy = DeliveryPolicy()
        policy.baseBackoffMs = Int64(try integer(.outboxRetryBase))
        policy.maxBackoffMs = Int64(try integer(.outboxRetryMax))
        self.deliveryPolicy = policy
        self.outboxLease = .seconds(try integer(.outboxLeaseSeconds))
        self.monthlyPushQuota = try integer(.monthlyPushQuota)
        self.outboxPaused = ["true", "1", "yes"].contains(try choice(.outboxPaused))
        self.hasRealAccessToken = token != nil
        let sandboxPort = try integer(.sandboxPort)
        self.sandboxPort = ["true", "1", "yes"].contains(try choice(.sandboxEnabled)) ? sandboxPort : nil
        let sandboxToken = try Self.secret(.sandboxToken, file: .sandboxTokenFile, in: reader)
        (self.sandboxToken, self.sandboxTokenFile) = (sandboxToken?.text, sandboxToken?.file)
        if self.sandboxPort != nil {
            // The client talks to the in-process sandbox (its address is set once its port is known), with a
            // token the sandbox accepts.
            self.channelAccessToken = self.channelAccessToken ?? "sandbox-access-token"
        }
        self.dataKey = try Self.dataKey(reader: reader)
        self.dataKeyFile = Self.value(.dataKey, in: reader) == nil ? Self.value(.dataKeyFile, in: reader) : nil
        self.previousDataKey = try Self.previousDataKey(reader: reader)
        self.previousDataKeyFile = Self.value(.previousDataKey, in: reader) == nil ? Self.value(.previousDataKeyFile, in: reader) : nil
        self.retentionMessageDays = try Self.retentionDays(reader: reader)
        self.retention = RetentionService.Periods(
            messageDays: retentionMessageDays, inboxHours: try integer(.retentionInboxHours), addressDays: try integer(.retentionAddressDays),
            idleTriageDays: try integer(.retentionIdleTriageDays), idleQueuedDays: try integer(.retentionIdleQueuedDays),
            idleHeldDays: try integer(.retentionIdleHeldDays))
        self.desk = CaseDesk.Settings(lease: .seconds(try integer(.claimLeaseSeconds)), casesPerCounsellor: try integer(.casesPerCounsellor))
        let formulaText = string(.kpiFormula)!
        guard let formula = KPIFormula(formulaText) else {
            throw StartupError(
                "\(Setting.kpiFormula.variable) must be terms joined by +, each once, from: \(KPIFormula.termList); not \"\(formulaText)\".")
        }
        self.statistics = StatisticsSettings(
            peopleTarget: try integer(.kpiPeopleTarget), minimumCell: try integer(.statisticsMinimumCell), kpiName: string(.kpiName)!,
            kpiFormula: formula, recordsOpenDays: try integer(.recordsOpenDays))
        self.scriptPath = string(.script)!
        self.engine = try ScriptLoader.load(path: scriptPath, retentionDays: retentionMessageDays)
    }

    /// Refuses sandbox mode beside a real channel: the sandbox shows what it receives to anyone on loopback and signs
    /// its phone's webhooks with the configured secret, so it must never stand in for a configured LINE.
    ///
    /// - Throws: ``StartupError`` in one sentence, when sandbox mode is on with an access token or another API base.
    public func requireSandboxAlone() throws {
        guard sandboxPort != nil else { return }
        if hasRealAccessToken {
            throw StartupError(
                "TSUNAGU_SANDBOX_ENABLED is on while LINE_CHANNEL_ACCESS_TOKEN is set; unset one of them, since the sandbox must never run beside a real channel (for a restore drill use TSUNAGU_OUTBOX_PAUSED=true)."
            )
        }
        if apiBaseURL != Setting.apiBaseURL.defaultValue {
            throw StartupError(
                "TSUNAGU_SANDBOX_ENABLED is on while LINE_API_BASE_URL is set to another server; unset one of them, since the sandbox must be the only LINE this instance talks to."
            )
        }
    }

    /// The script's path alone, for `tsunagud check-script`.
    public static func scriptPath(reader: ConfigReader) -> String {
        Self.value(.script, in: reader) ?? Setting.script.defaultValue ?? "config/script.ja.yaml"
    }

    /// The retention period alone, for `tsunagud purge`.
    public static func retentionDays(reader: ConfigReader) throws -> Int {
        try integer(.retentionMessageDays, in: reader)
    }

    /// `TSUNAGU_DATABASE`: a SQLite file path, or a `postgres://` URL.
    ///
    /// - Throws: ``StartupError`` naming what is wrong with a PostgreSQL URL (never its password).
    public static func database(reader: ConfigReader) throws -> DatabaseSetting {
        try DatabaseSetting(
            value(.database, in: reader) ?? Setting.database.defaultValue!,
            allowingUnverified: ["true", "1", "yes"].contains(try choice(.databaseAllowUnverified, in: reader)))
    }

    /// A secret given inline or in a file (its `…_FILE` setting), the inline value winning; `nil` when neither is set.
    ///
    /// The file is how a service manager hands secrets over without putting them in the environment (systemd's
    /// `LoadCredential=` and `%d`, see docs/operations.md); its contents are trimmed like any value.
    /// - Throws: ``StartupError`` naming the file setting when the file cannot be read or is empty.
    static func secret(_ setting: Setting, file fileSetting: Setting, in reader: ConfigReader) throws -> (text: String, file: String?)? {
        if let inline = value(setting, in: reader) { return (inline, nil) }
        guard let file = value(fileSetting, in: reader) else { return nil }
        guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw StartupError("\(fileSetting.variable) names \(file), which cannot be read.")
        }
        let text = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw StartupError("\(fileSetting.variable) names \(file), which is empty.") }
        return (text, file)
    }

    private static func readDataKey(_ setting: Setting, file fileSetting: Setting, in reader: ConfigReader) throws -> DataKey? {
        let hint = "generate one with: head -c 32 /dev/urandom | base64"
        guard let (text, file) = try secret(setting, file: fileSetting, in: reader) else { return nil }
        if let file { try requireOwnerOnly(file, named: fileSetting.variable) }
        guard let key = DataKey(base64: text) else {
            throw StartupError(
                file.map { "\(fileSetting.variable) (\($0)) does not hold a Base64-encoded 32-byte key; \(hint)." }
                    ?? "\(setting.variable) is not a Base64-encoded 32-byte key; \(hint).")
        }
        return key
    }

    /// The previous master key, while rotating to a new one (see ``Keyring``); `nil` when not rotating.
    public static func previousDataKey(reader: ConfigReader) throws -> DataKey? {
        try readDataKey(.previousDataKey, file: .previousDataKeyFile, in: reader)
    }

    /// The master key when one is set, `nil` otherwise: the commands that need it only to write or verify the
    /// audit log (``DatabaseSetting/withStores(readOnly:dataKey:previousDataKey:_:)``) say so when it is missing.
    public static func dataKeyIfSet(reader: ConfigReader) throws -> DataKey? {
        try readDataKey(.dataKey, file: .dataKeyFile, in: reader)
    }

    /// The master key alone, for `tsunagud rotate-key`.
    public static func dataKey(reader: ConfigReader) throws -> DataKey {
        guard let key = try readDataKey(.dataKey, file: .dataKeyFile, in: reader) else {
            throw StartupError("Neither TSUNAGU_DATA_KEY nor TSUNAGU_DATA_KEY_FILE is set; generate one with: head -c 32 /dev/urandom | base64.")
        }
        return key
    }

    /// A setting's value, trimmed; `nil` when unset or blank (secrets are read as secrets).
    private static func value(_ setting: Setting, in reader: ConfigReader) -> String? {
        guard let value = reader.string(forKey: setting.configKey, isSecret: setting.isSecret)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !value.isEmpty
        else { return nil }
        return value
    }

    /// An integer setting, checked against its range; its default when unset.
    ///
    /// - Throws: ``StartupError`` naming the variable and what it takes.
    static func integer(_ setting: Setting, in reader: ConfigReader) throws -> Int {
        guard case .integer(let range, let what) = setting.values, let text = value(setting, in: reader) ?? setting.defaultValue else {
            preconditionFailure("\(setting.variable) is not an integer setting with a default")
        }
        guard let number = Int(text), range.contains(number) else {
            throw StartupError("\(setting.variable) must be \(what), not \"\(text)\".")
        }
        return number
    }

    /// A setting that takes one of a few words, lowercased; its default when unset.
    ///
    /// - Throws: ``StartupError`` naming the variable and the words it takes.
    static func choice(_ setting: Setting, in reader: ConfigReader) throws -> String {
        guard case .oneOf(let words) = setting.values, let text = value(setting, in: reader) ?? setting.defaultValue else {
            preconditionFailure("\(setting.variable) is not a choice with a default")
        }
        guard words.contains(text.lowercased()) else {
            let list = words.dropLast().joined(separator: ", ") + " or " + words.last!
            throw StartupError("\(setting.variable) must be \(list), not \"\(text)\".")
        }
        return text.lowercased()
    }
}
