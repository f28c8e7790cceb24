import Foundation

/// How a conversation's state is kept in a database (JSON in `conversation.state`) and read back, on every backend.
///
/// A stored state that does not decode (a damaged row, or one written by a newer version after a rollback) is
/// a fault in one woman's conversation, and must stay in hers:
/// - **listings do not fail.** One unreadable row must not hide a counsellor's other cases or other women's; the
///   case is listed as unreachable, because nothing can be sent to her without her state (the desk runs the
///   engine on it, and it says whether she blocked the account). Showing it reachable would promise a reply that
///   cannot go.
/// - **actions on that case are refused whole** (``decodeStored(_:)`` throws), so nothing is written over the
///   stored bytes, which stay for the operator to repair; "take the next case" passes over it
///   (``isReadable(storedState:)``), so one damaged row at the head of the queue does not stop every counsellor.
/// - **her messages are not lost**: triage cannot decide without her state, so each event of hers fails alone
///   and stays pending in the inbox, retried until the state is repaired (``TriageStore/process(_:decide:)``).
///
/// Checked on both backends by the `corruptConversation` store contract.
extension Conversation {
    /// The JSON a backend stores for this state.
    public func storedState() throws -> String {
        String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }

    /// Her state as stored; throws when it cannot be read, so that nothing is decided or written from a guess.
    public static func decodeStored(_ json: String) throws -> Conversation {
        try JSONDecoder().decode(Conversation.self, from: Data(json.utf8))
    }

    /// Whether her stored state can be read (no state, for an older case, counts as readable).
    public static func isReadable(storedState json: String?) -> Bool {
        guard let json else { return true }
        return (try? decodeStored(json)) != nil
    }

    /// Whether replies can reach her, for listings: `true` without a stored state (an older case keeps its
    /// record), `false` when she blocked the account or when the state cannot be read.
    public static func isReachable(storedState json: String?) -> Bool {
        guard let json else { return true }
        return (try? decodeStored(json))?.reachable ?? false
    }
}
