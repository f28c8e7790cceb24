public import Foundation
public import TsunaguCore
public import TsunaguStore

/// What the two listeners share: the database, the inbox over it, the metrics and the ingress pipeline.
public struct ServerDependencies: Sendable {
    public let database: SQLiteDatabase
    public let inbox: any InboxStore
    public let outbox: any OutboxStore
    public let metrics: TsunaguMetrics
    public let ingestor: WebhookIngestor
    public let triage: any TriageStore
    /// Rung by the ingress when it stored events: the inbox processor's wake-up.
    public let inboxDoorbell: Doorbell
    /// Rung by the processor when it queued sends: the outbox sender's wake-up.
    public let outboxDoorbell: Doorbell
    /// Rung whenever something counsellors watch may have changed: the live feed's wake-up.
    public let feedDoorbell: Doorbell
    /// Counsellors' actions on cases; `nil` without a triage decider (the staff API then answers 503).
    public let desk: CaseDesk?
    /// The KPI target and small-cell protection of the statistics.
    public let statistics: StatisticsSettings

    /// - Parameters:
    ///   - decider: when given, the inbox answers the events it stores in the same transaction.
    ///   - desk: how long claims last and how many cases a counsellor may hold.
    ///   - now: the ingress's clock (tests move it to a chosen hour).
    public init(
        database: SQLiteDatabase, channelSecret: String, dataKey: DataKey, decider: TriageDecider? = nil,
        desk: CaseDesk.Settings = CaseDesk.Settings(), statistics: StatisticsSettings = StatisticsSettings(),
        metrics: TsunaguMetrics = TsunaguMetrics(), now: @escaping @Sendable () -> Date = Date.init
    ) {
        var decide: SQLiteInboxStore.Decide?
        if let decider { decide = { event, snapshot in try decider.decide(event, snapshot) } }
        self.init(
            database: database, inbox: SQLiteInboxStore(database: database, triage: decide), channelSecret: channelSecret,
            dataKey: dataKey, decider: decider, desk: desk, statistics: statistics, metrics: metrics, now: now)
    }

    /// With another inbox over the same database (tests use a failing twin).
    public init(
        database: SQLiteDatabase, inbox: any InboxStore, channelSecret: String, dataKey: DataKey, decider: TriageDecider? = nil,
        desk: CaseDesk.Settings = CaseDesk.Settings(), statistics: StatisticsSettings = StatisticsSettings(),
        metrics: TsunaguMetrics = TsunaguMetrics(), now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.statistics = statistics
        self.database = database
        self.inbox = inbox
        self.outbox = SQLiteOutboxStore(database: database)
        self.triage = SQLiteTriageStore(database: database)
        self.metrics = metrics
        self.inboxDoorbell = Doorbell()
        self.outboxDoorbell = Doorbell()
        self.feedDoorbell = Doorbell()
        let doorbells = [outboxDoorbell, feedDoorbell]
        self.desk = decider.map { CaseDesk(database: database, decider: $0, settings: desk, doorbells: doorbells) }
        self.ingestor = WebhookIngestor(
            channelSecret: channelSecret, dataKey: dataKey, inbox: inbox, doorbells: [inboxDoorbell, outboxDoorbell, feedDoorbell], now: now)
    }
}
