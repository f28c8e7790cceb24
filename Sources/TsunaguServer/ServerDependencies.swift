public import TsunaguCore
public import TsunaguStore

/// What the two listeners share: the database, the inbox over it, the metrics and the ingress pipeline.
public struct ServerDependencies: Sendable {
    public let database: SQLiteDatabase
    public let inbox: any InboxStore
    public let outbox: any OutboxStore
    public let metrics: TsunaguMetrics
    public let ingestor: WebhookIngestor

    public init(database: SQLiteDatabase, channelSecret: String, dataKey: DataKey, metrics: TsunaguMetrics = TsunaguMetrics()) {
        self.init(
            database: database, inbox: SQLiteInboxStore(database: database), channelSecret: channelSecret,
            dataKey: dataKey, metrics: metrics)
    }

    /// With another inbox over the same database (tests use a failing twin).
    public init(
        database: SQLiteDatabase, inbox: any InboxStore, channelSecret: String, dataKey: DataKey,
        metrics: TsunaguMetrics = TsunaguMetrics()
    ) {
        self.database = database
        self.inbox = inbox
        self.outbox = SQLiteOutboxStore(database: database)
        self.metrics = metrics
        self.ingestor = WebhookIngestor(channelSecret: channelSecret, dataKey: dataKey, inbox: inbox)
    }
}
