import Foundation
public import TsunaguCore
public import TsunaguSQLite

/// What the two listeners share: the stores, the metrics, the ingress pipeline and the doorbells.
public struct ServerDependencies: Sendable {
    public let stores: StoreSet
    public var inbox: any InboxStore { stores.inbox }
    public var outbox: any OutboxStore { stores.outbox }
    public var triage: any TriageStore { stores.triage }
    public let metrics: TsunaguMetrics
    public let ingestor: WebhookIngestor
    /// Rung by the ingress when it stored events: the inbox processor's wake-up.
    public let inboxDoorbell: Doorbell
    /// Rung by the processor when it queued sends: the outbox sender's wake-up.
    public let outboxDoorbell: Doorbell
    /// Rung whenever something counsellors watch may have changed: the live feed's wake-up.
    public let feedDoorbell: Doorbell
    /// Counsellors' actions on cases; `nil` without a triage decider (the staff API then answers 503).
    public let desk: CaseDesk?
    /// Phone and in-person consultations for statistics, and the statistics' labels; `nil` without a triage decider
    /// (whose script they are checked against).
    public let consultations: ConsultationLog?
    /// The KPI target and small-cell protection of the statistics.
    public let statistics: StatisticsSettings
    /// Failed staff authentications: logged, and limited across the staff listener.
    public let authenticationGuard: AuthenticationGuard
    /// The server's clock, for everything that reads "now" (with a decider, the decider's).
    public let clock: WallClock

    /// The three doorbells; on a shared database each is relayed to the other instances.
    public struct Doorbells: Sendable {
        public var inbox: Doorbell
        public var outbox: Doorbell
        public var feed: Doorbell

        public init(inbox: Doorbell = Doorbell(), outbox: Doorbell = Doorbell(), feed: Doorbell = Doorbell()) {
            self.inbox = inbox
            self.outbox = outbox
            self.feed = feed
        }
    }

    /// On the embedded SQLite database.
    /// - Parameters:
    ///   - decider: when given, the inbox answers the events it stores in the same transaction.
    ///   - desk: how long claims last and how many cases a counsellor may hold.
    ///   - authenticationGuard: `nil`: one that logs nowhere.
    ///   - clock: the server's clock (tests move it to a chosen hour); a decider's must be the same.
    public init(
        database: SQLiteDatabase, channelSecret: String, dataKey: DataKey, decider: TriageDecider? = nil,
        desk: CaseDesk.Settings = CaseDesk.Settings(), statistics: StatisticsSettings = StatisticsSettings(),
        metrics: TsunaguMetrics = TsunaguMetrics(), authenticationGuard: AuthenticationGuard? = nil, clock: WallClock
    ) {
        self.init(
            stores: .sqlite(database.chained(with: dataKey.auditChain), decider: decider), channelSecret: channelSecret, dataKey: dataKey,
            decider: decider,
            desk: desk, statistics: statistics, metrics: metrics, authenticationGuard: authenticationGuard, clock: clock)
    }

    /// On any stores (PostgreSQL's, or tests' failing twins).
    public init(
        stores: StoreSet, doorbells: Doorbells = Doorbells(), channelSecret: String, dataKey: DataKey, decider: TriageDecider? = nil,
        desk: CaseDesk.Settings = CaseDesk.Settings(), statistics: StatisticsSettings = StatisticsSettings(),
        metrics: TsunaguMetrics = TsunaguMetrics(), authenticationGuard: AuthenticationGuard? = nil, clock: WallClock
    ) {
        self.stores = stores
        self.clock = clock
        self.authenticationGuard = authenticationGuard ?? .quiet(clock: clock)
        self.statistics = statistics
        self.metrics = metrics
        self.inboxDoorbell = doorbells.inbox
        self.outboxDoorbell = doorbells.outbox
        self.feedDoorbell = doorbells.feed
        let deskBells = [outboxDoorbell, feedDoorbell]
        self.desk = decider.map { CaseDesk(stores: stores, answeringWith: $0, settings: desk, doorbells: deskBells) }
        self.consultations = decider.map { ConsultationLog(statistics: stores.statistics, script: $0.engine.script, clock: clock) }
        self.ingestor = WebhookIngestor(
            channelSecret: channelSecret, dataKey: dataKey, inbox: stores.inbox, doorbells: [inboxDoorbell, outboxDoorbell, feedDoorbell],
            clock: clock)
    }
}
