import Logging
import PostgresNIO
import TsunaguCore

/// Executing a ``CasePlan`` and recording ``FeedEvent``s: the PostgreSQL side of decisions the core has made.
extension PostgresCaseStore {
    /// Writes `plan` in the caller's transaction, which holds her conversation's lock and the case's row: the
    /// capacity check first, before anything is written, so locks are taken in one order everywhere (her
    /// conversation, the case, the counsellor, the audit chain); then her state, the holder, the first response,
    /// the feed event and the audit entry.
    func execute(_ plan: CasePlan, for pseudonym: Pseudonym, on connection: PostgresConnection) async throws {
        let logger = database.logger
        if let capacity = plan.capacity { try await Self.check(capacity, on: connection, logger: logger) }
        let moment = database.clock.now()
        _ = try await PostgresTriageStore.apply(plan.triage, to: pseudonym, at: moment, on: connection, logger: logger)
        for write in plan.caseWrites { try await connection.query(PostgresQuery(write), logger: logger) }
        if let event = plan.event { try await Self.record(event, at: moment, on: connection, logger: logger) }
        if let audit = plan.audit {
            try await PostgresAuditLog.append(
                actor: audit.actor, action: audit.action, caseID: audit.handle, detail: audit.detail, chain: database.auditChain,
                at: moment, on: connection, logger: logger)
        }
    }

    /// Reads the two facts ``CapacityCheck`` decides from and throws its refusal, if any.
    static func check(_ capacity: CapacityCheck, on connection: PostgresConnection, logger: Logger) async throws {
        // One counsellor's claims are counted one transaction at a time, whichever instances they go through.
        try await connection.query(
            "SELECT pg_advisory_xact_lock(\(counsellorLockNamespace), hashtext(\(capacity.counsellor)))", logger: logger)
        var role: String?
        for try await value in try await connection.query(
            "SELECT role FROM staff WHERE name = \(capacity.counsellor) AND revoked_at IS NULL", logger: logger
        ).decode(String.self) {
            role = value
        }
        var holding = 0
        for try await count in try await connection.query(
            """
            SELECT COUNT(*) FROM triage_case
            WHERE \(CaseConditions.liveClaim(of: capacity.counsellor, at: capacity.liveAt)) AND id != \(capacity.exceptCaseID)
            """, logger: logger
        ).decode(Int.self) {
            holding = count
        }
        if let refusal = capacity.refusal(activeRole: role.flatMap(StaffRole.init(rawValue:)), holding: holding) { throw refusal }
    }

    /// Adds an event to the counsellors' feed (``FeedEvent/recording(at:)``), in the transaction of what it reports.
    /// It has no feed id yet: ``numberNewEvents()`` numbers events once they are committed.
    static func record(_ event: FeedEvent, at moment: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(PostgresQuery(event.recording(at: moment)), logger: logger)
    }
}
