/// Which cases are waiting, held or due for renewal, as SQL conditions on `triage_case` written once for both
/// backends, next to the same rule in Swift for a case already read (``CaseSummary/isWaiting(at:)``).
///
/// Each was written in each backend's queries (the queue, the next case, the counts, a counsellor's capacity, the
/// renewal of claims), six copies of "queued, open, and nobody holds it or the claim has lapsed" in two dialects.
/// Column names are unqualified: a statement that joins another table must not give it a column of these names.
public enum CaseConditions {
    /// The one boundary of a claim: it lapses once `now` is past its lease's last millisecond. Until then it is the
    /// holder's and counts against the holder's cap; after it, it is waiting. Both can never be true of one case.
    static func leaseEnded(at now: Int64) -> StoreStatement { "lease_until < \(now)" }

    /// In the queue: queued, open, and either nobody holds it or the holder's claim lapsed before `now`.
    public static func waiting(at now: Int64) -> StoreStatement {
        "queued_at IS NOT NULL AND closed_at IS NULL AND (counsellor IS NULL OR \(leaseEnded(at: now)))"
    }

    /// In the queue because the holder's claim lapsed before `now` (the case is still the holder's until taken).
    public static func lapsed(at now: Int64) -> StoreStatement {
        "queued_at IS NOT NULL AND closed_at IS NULL AND counsellor IS NOT NULL AND \(leaseEnded(at: now))"
    }

    /// Open and held by `counsellor`, lapsed or not: the counsellor's own cases.
    public static func held(by counsellor: String) -> StoreStatement {
        "counsellor = \(counsellor) AND closed_at IS NULL"
    }

    /// Held by `counsellor` with a claim still live at `now`: what counts against the counsellor's cap.
    public static func liveClaim(of counsellor: String, at now: Int64) -> StoreStatement {
        "\(held(by: counsellor)) AND NOT (\(leaseEnded(at: now)))"
    }

    /// Held by `counsellor` with a claim that lapses before `moment`: one such case makes all the counsellor's
    /// claims due for renewal (``ClaimRenewal``).
    public static func lapsing(of counsellor: String, before moment: Int64) -> StoreStatement {
        "\(held(by: counsellor)) AND \(leaseEnded(at: moment))"
    }

    /// Renews every claim `counsellor` holds to `now + lease` when one is due (``ClaimRenewal/dueBefore(now:lease:)``):
    /// one statement that checks and extends at once, so two polls cannot interleave between the check and the write.
    public static func renewClaims(of counsellor: String, now: Int64, lease: Int64) -> StoreStatement {
        """
        UPDATE triage_case SET lease_until = \(now + lease) WHERE \(held(by: counsellor))
            AND EXISTS (SELECT 1 FROM triage_case h WHERE \(lapsing(of: counsellor, before: ClaimRenewal.dueBefore(now: now, lease: lease))))
        """
    }
}

extension CaseConditions {
    /// The holder whose claim is still live at `now` (``leaseEnded(at:)``'s other side), else nobody: a lapsed claim's
    /// case is waiting again. Triage reads her case's holder through this, so that danger in her words is answered at
    /// once unless a counsellor is with her now, not merely named on a case left open.
    public static func liveHolder(_ counsellor: String?, leaseUntil: Int64?, at now: Int64) -> String? {
        (leaseUntil ?? 0) >= now ? counsellor : nil
    }
}

extension CaseSummary {
    /// Whether someone holds the case with a claim still live at `now` (``CaseConditions/leaseEnded(at:)``'s other
    /// side): the holder a colleague is told of, and a case no one else may take.
    public func isClaimLive(at now: Int64) -> Bool {
        CaseConditions.liveHolder(counsellor, leaseUntil: leaseUntil, at: now) != nil
    }

    /// ``CaseConditions/waiting(at:)`` for a case already read: whether taking "the next case" may take it.
    public func isWaiting(at now: Int64) -> Bool {
        queuedAt != nil && closedAt == nil && !isClaimLive(at: now)
    }
}
