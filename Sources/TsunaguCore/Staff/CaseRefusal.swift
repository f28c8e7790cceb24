/// Why a counsellor's action on a case was refused. Each has one sentence that says what to do instead; the
/// staff API turns it into a 403, 404 or 409 with a stable code.
public enum CaseRefusal: Error, Sendable, Hashable {
    case notFound(handle: String)
    /// The counsellor tried to claim a case a colleague holds (named, so the two can talk).
    case heldByColleague(handle: String, counsellor: String)
    /// The case is not the counsellor's to act on: someone else holds it, or nobody (`holder`: who does, if anyone).
    case notHeld(handle: String, holder: String?)
    case closed(handle: String)
    /// The case is not waiting in the queue (not yet queued, or already in someone's hands).
    case notWaiting(handle: String)
    case queueEmpty
    case atCapacity(limit: Int)
    case colleagueAtCapacity(name: String, limit: Int)
    case unknownColleague(name: String)
    case unreachable(handle: String)
    case contentDestroyed(handle: String)
    case unknownOutcome(String, allowed: [String])
    case unknownReferral(String, allowed: [String])
    case unknownTemplate(String)
    case unknownTopic(allowed: [String])
    /// A logged consultation is by phone or in person; LINE consultations are recorded by themselves.
    case unknownChannel
    case emptyText
    case textTooLong(limit: Int)

    /// A stable code for scripts.
    public var code: String {
        switch self {
        case .notFound: "case_not_found"
        case .heldByColleague: "case_taken"
        case .notHeld: "not_your_case"
        case .closed: "case_closed"
        case .notWaiting: "case_not_waiting"
        case .queueEmpty: "queue_empty"
        case .atCapacity: "at_capacity"
        case .colleagueAtCapacity: "colleague_at_capacity"
        case .unknownColleague: "unknown_colleague"
        case .unreachable: "unreachable"
        case .contentDestroyed: "content_destroyed"
        case .unknownOutcome: "unknown_outcome"
        case .unknownReferral: "unknown_referral"
        case .unknownTemplate: "unknown_template"
        case .unknownTopic: "unknown_topic"
        case .unknownChannel: "unknown_channel"
        case .emptyText: "empty_text"
        case .textTooLong: "text_too_long"
        }
    }

    /// One sentence that says what happened and what to do; never quotes her words.
    public var sentence: String {
        switch self {
        case .notFound(let handle): "No case has the handle \(handle); check it with tsunagu queue or tsunagu mine."
        case .heldByColleague(let handle, let counsellor): "Case \(handle) is held by \(counsellor); take another case from the queue."
        case .notHeld(let handle, let holder?): "Case \(handle) is held by \(holder), not you; ask them to transfer it to you."
        case .notHeld(let handle, nil): "You do not hold case \(handle); claim it first (tsunagu claim \(handle))."
        case .closed(let handle): "Case \(handle) is closed; nothing more can be done in it."
        case .notWaiting(let handle): "Case \(handle) is not waiting in the queue; pick one that tsunagu queue lists."
        case .queueEmpty: "No one is waiting; tsunagu watch tells you when someone is."
        case .atCapacity(let limit): "You already hold \(limit) cases, the most allowed; close, transfer or release one first."
        case .colleagueAtCapacity(let name, let limit):
            "\(name) already holds \(limit) cases, the most allowed; choose another colleague or the queue."
        case .unknownColleague: "No active counsellor has that name; check the name with your supervisor."
        case .unreachable(let handle): "She has blocked the account, so nothing can reach her in case \(handle); close the case."
        case .contentDestroyed(let handle): "The content of case \(handle) has been destroyed; only its anonymous record remains."
        case .unknownOutcome(_, let allowed): "Unknown outcome; use one of: \(allowed.joined(separator: ", "))."
        case .unknownReferral(_, let allowed): "Unknown referral partner; use one of: \(allowed.joined(separator: ", "))."
        case .unknownTemplate: "No reply template has that name; list them with tsunagu canned."
        case .unknownTopic(let allowed): "Unknown topic; use one of: \(allowed.joined(separator: ", "))."
        case .unknownChannel: "A logged consultation is by phone or visit; LINE consultations are recorded by themselves."
        case .emptyText: "The message is empty; type what you want to send."
        case .textTooLong(let limit): "The message is longer than \(limit) characters; split it into shorter ones."
        }
    }
}
