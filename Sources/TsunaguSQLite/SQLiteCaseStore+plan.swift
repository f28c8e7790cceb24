import GRDB
import TsunaguCore

/// Executing a ``CasePlan`` and recording ``FeedEvent``s: the SQLite side of decisions the core has made.
extension SQLiteCaseStore {
    /// Writes `plan` in the caller's write transaction: the capacity check first (nothing is written when it
    /// refuses), then her state, the holder, the first response, the feed event and the audit entry.
    func execute(_ plan: CasePlan, for pseudonym: Pseudonym, in db: Database) throws {
        if let capacity = plan.capacity { try Self.check(capacity, in: db) }
        _ = try SQLiteTriageStore.apply(plan.triage, to: pseudonym, scrub: database.requestScrub, in: db)
        if case .set(let counsellor, let leaseUntil) = plan.holder {
            try db.execute(
                sql: "UPDATE triage_case SET counsellor = ?, lease_until = ? WHERE id = ?", arguments: [counsellor, leaseUntil, plan.caseID])
        }
        if let firstResponseAt = plan.firstResponseAt {
            try db.execute(
                sql: "UPDATE triage_case SET first_response_at = COALESCE(first_response_at, ?) WHERE id = ?",
                arguments: [firstResponseAt, plan.caseID])
        }
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
                sql: "SELECT COUNT(*) FROM triage_case WHERE counsellor = ? AND closed_at IS NULL AND lease_until >= ? AND id != ?",
                arguments: [capacity.counsellor, capacity.liveAt, capacity.exceptCaseID]) ?? 0
        if let refusal = capacity.refusal(activeRole: role.flatMap(StaffRole.init(rawValue:)), holding: holding) { throw refusal }
    }

    /// Records a feed event with the case's handle, priority and holder as they are now, stamped by the
    /// transaction's clock; an `onlyIfHeld` event is skipped when nobody holds the case.
    static func record(_ event: FeedEvent, in db: Database) throws {
        try db.execute(
            cached: """
                INSERT INTO staff_event (at, kind, handle, priority, counsellor, detail)
                SELECT ?, ?, handle, priority, counsellor, ? FROM triage_case WHERE id = ?
                """ + (event.onlyIfHeld ? " AND counsellor IS NOT NULL" : ""),
            arguments: [try SQLiteDatabase.now(in: db), event.kind.rawValue, event.detail, event.caseID])
    }
}
