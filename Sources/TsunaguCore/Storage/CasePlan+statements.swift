/// The SQL of a ``CasePlan``'s writes to the case's row and of a ``FeedEvent``, run by both backends as written here.
extension CasePlan {
    /// The writes to the case's row after her state is saved: the holder and lease, then the first response (set only
    /// when the case has none, so a later line of the counsellor's does not move it).
    public var caseWrites: [StoreStatement] {
        var writes: [StoreStatement] = []
        if case .set(let counsellor, let leaseUntil) = holder {
            writes.append("UPDATE triage_case SET counsellor = \(counsellor), lease_until = \(leaseUntil) WHERE id = \(caseID)")
        }
        if let firstResponseAt {
            writes.append("UPDATE triage_case SET first_response_at = COALESCE(first_response_at, \(firstResponseAt)) WHERE id = \(caseID)")
        }
        return writes
    }
}

extension FeedEvent {
    /// Adds the event to the counsellors' feed with the case's handle, priority and holder as they are at this point
    /// of the transaction (a close, saved before its holder is dropped, names the counsellor who closed it); an
    /// `onlyIfHeld` event is skipped when nobody holds the case. The feed's id is the backend's to give.
    public func recording(at moment: Int64) -> StoreStatement {
        """
        INSERT INTO staff_event (at, kind, handle, priority, counsellor, detail)
        SELECT \(moment), \(kind.rawValue), handle, priority, counsellor, \(detail) FROM triage_case
        WHERE id = \(caseID)\(sql: onlyIfHeld ? " AND counsellor IS NOT NULL" : "")
        """
    }
}
