import Logging
import TsunaguCore
import TsunaguSQLite

extension TsunaguConfiguration {
    /// What `setting` is in force as, read back from the validated configuration (not from the environment or
    /// the file), so a setting that is read under the wrong name shows its default here: a secret only as
    /// `set` or `unset`, the database without a password, and `—` for what does not apply.
    public func valueInForce(of setting: Setting) -> String {
        switch setting {
        case .channelSecret: channelSecretFile == nil ? "set" : "— (read from the file)"
        case .channelAccessToken: channelAccessToken == nil ? "unset" : channelAccessTokenFile == nil ? "set" : "— (read from the file)"
        case .channelSecretFile: channelSecretFile ?? "—"
        case .channelAccessTokenFile: channelAccessTokenFile ?? "—"
        case .apiBaseURL: apiBaseURL
        case .dataAPIBaseURL: dataAPIBaseURL
        case .webhookHost: webhookHost
        case .webhookPort: String(webhookPort)
        case .webhookMaxBodyBytes: String(webhookMaxBodyBytes)
        case .webhookBodySeconds: String(webhookBodySeconds)
        case .webhookMaxConnections: String(webhookMaxConnections)
        case .staffHost: staffHost
        case .staffPort: String(staffPort)
        case .metricsToken:
            switch metricsAccess {
            case .bearer: metricsTokenFile == nil ? "set" : "— (read from the file)"
            case .loopback, .off: "unset"
            }
        case .metricsTokenFile: metricsTokenFile ?? "—"
        case .database: database.description
        case .databaseAllowUnverified: databaseAllowsUnverified ? "true" : "false"
        case .databasePoolSize: String(databasePoolSize)
        case .durability: durability.rawValue
        case .dataKey: dataKeyFile == nil ? "set" : "— (read from the file)"
        case .dataKeyFile: dataKeyFile ?? "—"
        case .previousDataKey: previousDataKey == nil ? "unset" : previousDataKeyFile == nil ? "set" : "— (read from the file)"
        case .previousDataKeyFile: previousDataKeyFile ?? "—"
        case .logLevel: logLevel.rawValue
        case .outboxRetryBase: String(deliveryPolicy.baseBackoffMs)
        case .outboxRetryMax: String(deliveryPolicy.maxBackoffMs)
        case .outboxLeaseSeconds: String(outboxLease.components.seconds)
        case .monthlyPushQuota: String(monthlyPushQuota)
        case .outboxPaused: outboxPaused ? "true" : "false"
        case .sandboxEnabled: sandboxPort == nil ? "false" : "true"
        case .sandboxPort: sandboxPort.map(String.init) ?? "— (the sandbox is off)"
        case .sandboxToken: sandboxToken == nil ? "unset" : sandboxTokenFile == nil ? "set" : "— (read from the file)"
        case .sandboxTokenFile: sandboxTokenFile ?? "—"
        case .retentionMessageDays: String(retentionMessageDays)
        case .retentionInboxHours: String(retention.inboxHours)
        case .retentionAddressDays: String(retention.addressDays)
        case .retentionIdleTriageDays: String(retention.idleTriageDays)
        case .retentionIdleQueuedDays: String(retention.idleQueuedDays)
        case .retentionIdleHeldDays: String(retention.idleHeldDays)
        case .claimLeaseSeconds: String(desk.lease.components.seconds)
        case .casesPerCounsellor: String(desk.casesPerCounsellor)
        case .kpiPeopleTarget: String(statistics.peopleTarget)
        case .statisticsMinimumCell: String(statistics.minimumCell)
        case .kpiName: statistics.kpiName
        case .kpiFormula: statistics.kpiFormula.description
        case .recordsOpenDays: String(statistics.recordingWindow.openDays)
        case .script: scriptPath
        default: "?"
        }
    }
}
