/// What destroying her data writes, step by step, decided once for both backends.
///
/// The steps and their order were written out in each triage store; the order matters (her pending sends are
/// withheld before her finished ones are deleted, her cases are shredded before they are cut from her), and a step
/// added to one copy would have been missing from the other with no test able to say which was right.
public enum ErasurePlan {
    /// One step; a backend runs them in order, in the transaction that stores the event asking for the erasure.
    public enum Step: Sendable, Hashable {
        /// Save her case's closing record first, as any commit saves a record (it raises the feed's `closed`).
        case save(CaseRecord)
        /// Shred (``shred(caseID:at:)``) every case whose id this query returns.
        case shredEach(StoreStatement)
        /// Withhold her sends still pending, as the outbox store does it (it knows their leases and numbering).
        case withholdPendingSends
        case run(StoreStatement)
    }

    /// A confirmed erasure (``Erasure``): everything of hers goes. Her cases keep only their anonymous records, under
    /// a token that cannot be traced back to her (``Erasure/personToken``).
    public static func steps(erasing pseudonym: Pseudonym, _ erasure: Erasure) -> [Step] {
        let her = pseudonym.rawValue
        return (erasure.closing.map { [.save($0)] } ?? []) + [
            .shredEach("SELECT id FROM triage_case WHERE conversation = \(her)"),
            .run("UPDATE triage_case SET conversation = \(erasure.personToken) WHERE conversation = \(her)"),
            .withholdPendingSends,
            .run("DELETE FROM outbox_entry WHERE conversation = \(her) AND state <> 'pending'"),
            .run("UPDATE conversation SET sealed_address = NULL WHERE pseudonym = \(her)"),
            .run("UPDATE inbox_event SET conversation = NULL WHERE conversation = \(her) AND processed_at IS NOT NULL"),
        ]
    }

    /// A case's content destroyed: its key and transcript go; its anonymous record stays, marked with the first
    /// moment this happened.
    public static func shred(caseID: String, at moment: Int64) -> [StoreStatement] {
        [
            "DELETE FROM case_key WHERE case_id = \(caseID)",
            "DELETE FROM case_message WHERE case_id = \(caseID)",
            "UPDATE triage_case SET content_destroyed_at = COALESCE(content_destroyed_at, \(moment)) WHERE id = \(caseID)",
        ]
    }
}
