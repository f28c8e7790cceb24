/// Whether a counsellor may take one more case: the rule of ``CaseStore``'s `cap`, decided in the core from the
/// two facts a backend reads in its transaction (the colleague's role, and how many live claims they hold).
///
/// The backend counts the claims this names (``counsellor``'s open cases whose lease runs to ``liveAt`` or later,
/// besides ``exceptCaseID``) under whatever lock serialises one counsellor's claims, then asks ``refusal(activeRole:holding:)``.
public struct CapacityCheck: Sendable, Hashable {
    /// Who would hold the case.
    public var counsellor: String
    /// Who acts: refused for themselves (``CaseRefusal/atCapacity(limit:)``) or on a colleague's behalf.
    public var actor: String
    public var cap: Int
    /// A claim counts while its lease runs to this moment or later: a lapsed claim frees a place.
    public var liveAt: Int64
    /// The case being taken does not count against itself (taking one's own case again is no new claim).
    public var exceptCaseID: String

    public init(counsellor: String, actor: String, cap: Int, liveAt: Int64, exceptCaseID: String) {
        self.counsellor = counsellor
        self.actor = actor
        self.cap = cap
        self.liveAt = liveAt
        self.exceptCaseID = exceptCaseID
    }

    /// Why the claim is refused, or `nil` when it may go ahead.
    /// - Parameters:
    ///   - activeRole: ``counsellor``'s role if they are active staff (`nil`: unknown or revoked).
    ///   - holding: how many live claims they hold besides this case.
    public func refusal(activeRole: StaffRole?, holding: Int) -> CaseRefusal? {
        guard activeRole == .counsellor else { return .unknownColleague(name: counsellor) }
        guard holding < cap else {
            return counsellor == actor ? .atCapacity(limit: cap) : .colleagueAtCapacity(name: counsellor, limit: cap)
        }
        return nil
    }
}
