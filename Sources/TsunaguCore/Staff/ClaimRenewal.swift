/// When a counsellor's polling renews the counsellor's claims (``CaseStore/renewClaims(of:now:lease:)``), decided once for
/// every backend.
public enum ClaimRenewal {
    /// The counsellor's claims are renewed, all together, when one of them lapses before this moment: it has less than half its
    /// lease left. So a client polling every few seconds writes only now and then, not at every poll.
    public static func dueBefore(now: Int64, lease: Int64) -> Int64 { now + lease / 2 }
}
