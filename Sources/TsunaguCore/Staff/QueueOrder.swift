/// The order in which waiting cases are taken and held cases are listed: the one definition both SQL backends
/// read their `ORDER BY` from, so the queue cannot come out in one order on SQLite and another on PostgreSQL.
///
/// Within a priority the longest waiting comes first (the out-of-hours backlog is served at shift start). Cases
/// queued in the same millisecond are ordered by case id: without it each backend broke ties by whatever its
/// storage happened to yield (SQLite the row order, PostgreSQL the id), so two counsellors, or the queue and
/// "take the next", could disagree about which woman is first. Checked by the `queueTies` store contract.
public enum QueueOrder {
    /// Within one priority, over `triage_case` columns: `queued_at, id`.
    public static let withinPriority = "queued_at, id"

    /// An SQL expression ranking `triage_case.priority` as ``Priority/queueOrder`` does (most urgent 0).
    public static let priorityRank: String =
        "CASE priority "
        + Priority.queueOrder.enumerated().map { "WHEN '\($1.rawValue)' THEN \($0) " }.joined()
        + "ELSE \(Priority.queueOrder.count) END"

    /// Across priorities (a counsellor's own cases): the most urgent first, then as within a priority.
    public static let acrossPriorities = "\(priorityRank), \(withinPriority)"
}
