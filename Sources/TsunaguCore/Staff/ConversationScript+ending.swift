extension ConversationScript {
    /// Checks how a consultation ended against the office's lists: an outcome of ``outcomes`` and, if she was
    /// referred, one of ``partners``. A LINE case closed by a counsellor and a phone or in-person consultation logged for
    /// statistics are held to the same lists, here.
    /// - Throws: ``CaseRefusal/unknownOutcome(_:allowed:)`` or ``CaseRefusal/unknownReferral(_:allowed:)``, naming the ids
    ///   allowed.
    public func checkEnding(outcome: String, referral: String?) throws {
        let outcomes = self.outcomes.map(\.id)
        guard outcomes.contains(outcome) else { throw CaseRefusal.unknownOutcome(outcome, allowed: outcomes) }
        let partners = self.partners.map(\.id)
        if let referral, !partners.contains(referral) { throw CaseRefusal.unknownReferral(referral, allowed: partners) }
    }
}
