/// What retention forgets once its time has passed (the server's `RetentionService` sets the cutoffs), as statements
/// both backends run as written here. Each was in both triage stores, one with four conditions that had to agree.
public enum RetentionStatements {
    /// The closed cases past retention whose content is still kept: `id` and `conversation`, to shred
    /// (``ErasurePlan/shred(caseID:at:)``) and unlink.
    public static func casesToShred(closedBefore cutoff: Int64) -> StoreStatement {
        "SELECT id, conversation FROM triage_case WHERE closed_at < \(cutoff) AND content_destroyed_at IS NULL"
    }

    /// Cuts a case past retention from her: its `conversation` becomes its own id (her state then forgets the case).
    public static func unlink(caseID: String) -> StoreStatement {
        "UPDATE triage_case SET conversation = id WHERE id = \(caseID)"
    }

    /// Processed events older than the cutoff (their content went when they were processed).
    public static func forgetProcessedEvents(before cutoff: Int64) -> StoreStatement {
        "DELETE FROM inbox_event WHERE processed_at < \(cutoff)"
    }

    /// The ids of events seen, once LINE can no longer redeliver them.
    public static func forgetSeenEvents(before cutoff: Int64) -> StoreStatement {
        "DELETE FROM seen_event WHERE seen_at < \(cutoff)"
    }

    /// Her sealed address, once nothing needs it: unchanged since the cutoff, not opted in to announcements, nothing
    /// pending to send her and no open case (a counsellor may still answer). `NOT announcements` reads the same on
    /// SQLite's integer and PostgreSQL's boolean.
    public static func forgetAddresses(unchangedSince cutoff: Int64) -> StoreStatement {
        """
        UPDATE conversation SET sealed_address = NULL
        WHERE sealed_address IS NOT NULL AND updated_at < \(cutoff) AND NOT announcements
        AND NOT EXISTS (SELECT 1 FROM outbox_entry WHERE outbox_entry.conversation = pseudonym AND state = 'pending')
        AND NOT EXISTS (SELECT 1 FROM triage_case WHERE triage_case.conversation = pseudonym AND closed_at IS NULL)
        """
    }

    /// The words she wrote before consent, once held longer than the cutoff allows.
    public static func destroyHeldWords(heldBefore cutoff: Int64) -> StoreStatement {
        "DELETE FROM held_words WHERE held_at < \(cutoff)"
    }
}
