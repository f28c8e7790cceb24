public import TsunaguCore
public import TsunaguPostgres
public import TsunaguSQLite

/// Every store the server works with, over one database: the embedded SQLite file or a PostgreSQL shared by
/// several instances. The server sees only the core protocols, so the listeners, the case desk and the
/// background services are the same code on both.
public struct StoreSet: Sendable {
    public var inbox: any InboxStore
    public var outbox: any OutboxStore
    public var triage: any TriageStore
    public var cases: any CaseStore
    public var staff: any StaffStore
    public var audit: any AuditLog
    public var statistics: any StatisticsStore
    public var keys: any KeyStore
    /// Which instance runs each periodic job.
    public var jobs: any JobSchedule
    /// Whether the database answers now (for `/healthz`).
    public var isHealthy: @Sendable () async -> Bool
    /// LINE's per-channel rate limit, counted for all instances together; `nil` with one instance.
    public var rateBudget: SharedRateBudget?

    public init(
        inbox: any InboxStore, outbox: any OutboxStore, triage: any TriageStore, cases: any CaseStore, staff: any StaffStore,
        audit: any AuditLog, statistics: any StatisticsStore, keys: any KeyStore, jobs: any JobSchedule,
        isHealthy: @escaping @Sendable () async -> Bool, rateBudget: SharedRateBudget? = nil
    ) {
        self.rateBudget = rateBudget
        self.inbox = inbox
        self.outbox = outbox
        self.triage = triage
        self.cases = cases
        self.staff = staff
        self.audit = audit
        self.statistics = statistics
        self.keys = keys
        self.jobs = jobs
        self.isHealthy = isHealthy
    }

    /// The embedded default. With a decider, the inbox answers the events it stores in the transaction that
    /// stores them (one instance owns the file, so nothing else can be processing her earlier events).
    public static func sqlite(_ database: SQLiteDatabase, decider: TriageDecider? = nil) -> StoreSet {
        var decide: SQLiteInboxStore.Decide?
        if let decider { decide = { event, snapshot in try decider.decide(event, snapshot) } }
        return StoreSet(
            inbox: SQLiteInboxStore(database: database, triage: decide), outbox: SQLiteOutboxStore(database: database),
            triage: SQLiteTriageStore(database: database), cases: SQLiteCaseStore(database: database),
            staff: SQLiteStaffStore(database: database), audit: SQLiteAuditLog(database: database),
            statistics: SQLiteStatisticsStore(database: database), keys: SQLiteKeyStore(database: database),
            jobs: SoleInstanceSchedule(), isHealthy: { await database.isHealthy() })
    }

    /// A database shared by several instances. The inbox only stores: the inbox processor of whichever instance
    /// gets there first answers each event, under her conversation's lock.
    /// - Parameters:
    ///   - instance: this process's name in outbox leases and job runs; unique per process.
    ///   - outboxLease: how long a send this instance took is its alone.
    public static func postgres(_ database: SharedDatabase, instance: String, outboxLease: Duration = .seconds(60)) -> StoreSet {
        StoreSet(
            inbox: PostgresInboxStore(database: database),
            outbox: PostgresOutboxStore(database: database, instance: instance, lease: outboxLease),
            triage: PostgresTriageStore(database: database), cases: PostgresCaseStore(database: database),
            staff: PostgresStaffStore(database: database), audit: PostgresAuditLog(database: database),
            statistics: PostgresStatisticsStore(database: database), keys: PostgresKeyStore(database: database),
            jobs: PostgresJobSchedule(database: database, instance: instance),
            isHealthy: { await database.isHealthy() },
            rateBudget: { [budget = PostgresRateBudget(database: database)] endpoint, calls, limit in
                try await budget.reserve(calls, of: limit, for: endpoint)?.remaining
            })
    }
}
