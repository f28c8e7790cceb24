import GRDB
import TsunaguCore

/// Executing a ``CasePlan`` and recording ``FeedEvent``s: the SQLite side of decisions the core has made.
extension SQLiteCaseStore {
    /// Writes `plan` in the caller's write transaction: the capacity check first (nothing is written when it
    /// refuses), then her state, the holder, the first response, the feed event and the audit entry.
    func execute(_ plan: CasePlan, for pseudonym: Pseudonym, in db: Database) throws {
        if let capacity = plan.capacity { try Self.check(capacity, in: db) }
        _ = try SQLiteTriageStore.apply(plan.triage, to: pseudonym, scrub: database.requestScrub, in: db)
        for write in plan.caseWrites { try db.run(write) }
        if let event = plan.event { try Self.record(event, in: db) }
        if let audit = plan.audit {
            try SQLiteAuditLog.append(
                actor: audit.actor, action: audit.action, caseID: audit.handle, detail: audit.detail, chain: database.auditChain, in: db)
        }
    }

    /// Reads the two facts ``CapacityCheck`` decides from and throws its refusal, if any. SQLite's single writer
    /// serialises claims, so the count cannot change before the holder is written.
    static func check(_ capacity: CapacityCheck, in db: Database) throws {
        let role = try String.fetchOne(
            db, sql: "SELECT role FROM staff WHERE name = ? AND revoked_at IS NULL", arguments: [capacity.counsellor])
        let holding =
            try Int.fetchOne(
                db,
                statement: """
                    SELECT COUNT(*) FROM triage_case
                    WHERE \(CaseConditions.liveClaim(of: capacity.counsellor, at: capacity.liveAt)) AND id != \(capacity.exceptCaseID)
                    """) ?? 0
        if let refusal = capacity.refusal(activeRole: role.flatMap(StaffRole.init(rawValue:)), holding: holding) { throw refusal }
    }

    /// Records a feed event (``FeedEvent/recording(at:)``), stamped by the transaction's clock.
    static func record(_ event: FeedEvent, in db: Database) throws {
        try db.run(event.recording(at: try SQLiteDatabase.now(in: db)))
    }
}
