import Foundation

/// How a conversation's state is kept in a database (JSON in `conversation.state`) and read back, on every backend.
///
/// **One source of truth for a case.** Her current case's anonymous record (``CaseRecord``: topic, urgency,
/// priority, … satisfaction) and who holds the case live only in the case's row (`triage_case`, `counsellor`);
/// the stored JSON keeps the rest of her conversation, names her current case by its id (`currentCaseID`), and
/// keeps the stage of a case in the queue or with a counsellor as `queued` alone, without its priority or holder.
/// Writing splits a conversation (``storedState()``: the backend writes the engine's record to the case row in the
/// same transaction, and the holder from ``CaseChange/Holder``); reading joins them again
/// (``StoredConversation/conversation(currentCase:holder:)``). So nothing stored can disagree with anything else:
/// the engine, the queue, a counsellor's listing and statistics all read the one row. The old format (the whole
/// record in `currentCase`, the holder in `active`, the stage under `state` rather than `stage`) is still read,
/// taking only the case's id from it; the new one is written under a key the old versions cannot read, so that
/// one of them left running during an upgrade refuses her state rather than misreading it.
///
/// A stored state that does not decode (a damaged row, or one written by a newer version after a rollback) is
/// a fault in one woman's conversation, and must stay in hers:
/// - **listings do not fail.** One unreadable row must not hide a counsellor's other cases or other women's; the
///   case is listed as unreachable, because nothing can be sent to her without her state (the desk runs the
///   engine on it, and it says whether she blocked the account). Showing it reachable would promise a reply that
///   cannot go.
/// - **actions on that case are refused whole** (``StoredConversation/init(json:)`` throws), so nothing is written
///   over the stored bytes, which stay for the operator to repair; "take the next case" passes over it
///   (``isReadable(storedState:)``), so one damaged row at the head of the queue does not stop every counsellor.
/// - **her messages are not lost**: triage cannot decide without her state, so each event of hers fails alone
///   and stays pending in the inbox, retried until the state is repaired (``TriageStore/process(_:decide:)``).
///
/// Checked on both backends by the `corruptConversation`, `oneRecord` and `oldFormat` store contracts.
extension Conversation {
    /// The JSON a backend stores for this state: everything but her current case's record and holder.
    public func storedState() throws -> String {
        String(decoding: try JSONEncoder().encode(StoredConversation.Encoded(self)), as: UTF8.self)
    }

    /// Whether her stored state can be read (no state, for an older case, counts as readable).
    public static func isReadable(storedState json: String?) -> Bool {
        guard let json else { return true }
        return (try? StoredConversation(json: json)) != nil
    }

    /// Whether replies can reach her, for listings: `true` without a stored state (an older case keeps its
    /// record), `false` when she blocked the account or when the state cannot be read.
    public static func isReachable(storedState json: String?) -> Bool {
        guard let json else { return true }
        return (try? StoredConversation(json: json))?.reachable ?? false
    }
}

/// A conversation as stored, before her current case's row is joined to it.
public struct StoredConversation: Sendable, Hashable {
    fileprivate var encoded: Encoded

    /// Reads a stored state; throws when it cannot be read, so that nothing is decided or written from a guess.
    public init(json: String) throws {
        encoded = try JSONDecoder().decode(Encoded.self, from: Data(json.utf8))
    }

    /// Her current case, whose row (``conversation(currentCase:holder:)``) completes her state.
    public var currentCaseID: String? { encoded.currentCaseID ?? encoded.currentCase?.id }

    /// `false` after she blocked the account.
    public var reachable: Bool { encoded.reachable }

    /// Her conversation, with her current case's record and holder as the case's row has them.
    /// - Parameters:
    ///   - currentCase: the record read from the row of ``currentCaseID``; required when she has a current case.
    ///   - holder: the counsellor holding that case (`triage_case.counsellor`), if any.
    /// - Throws: `DecodingError` when she has a current case and its row was not given (a damaged database): treated
    ///   as an unreadable state.
    public func conversation(currentCase: CaseRecord?, holder: String?) throws -> Conversation {
        if let id = currentCaseID, currentCase?.id != id {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "Her current case's record is missing."))
        }
        let record = currentCaseID == nil ? nil : currentCase
        let state: TriageState =
            switch encoded.state {
            case .new: .new
            case .consent: .consent
            case .topic: .topic
            case .urgency: .urgency
            case .survey: .survey
            case .closed(let outcome, let referral): .closed(outcome: outcome, referral: referral)
            case .queued(let priority):
                // With a counsellor or waiting: the case row says which, and at what priority.
                if let holder { .active(counsellor: holder) } else { .queued(priority: record?.priority ?? priority ?? .normal) }
            case .active:
                if let holder { .active(counsellor: holder) } else { .queued(priority: record?.priority ?? .normal) }
            }
        var conversation = Conversation(
            state: state, reachable: encoded.reachable, currentCase: record, unansweredPrompts: encoded.unansweredPrompts,
            hasConsented: encoded.hasConsented, toldStillWaiting: encoded.toldStillWaiting ?? false,
            erasureAsked: encoded.erasureAsked ?? false)
        conversation.pendingRequest = encoded.pendingRequest
        conversation.heldSince = encoded.heldSince
        conversation.announcements = encoded.announcements ?? false
        conversation.safetyAsked = encoded.safetyAsked ?? false
        // Older states did not say: then the record's flags are what answered her.
        conversation.sentContactList = encoded.sentContactList ?? (record?.emergency != nil)
        conversation.sentSafetyReply = encoded.sentSafetyReply ?? (record.map { $0.concern != nil || $0.emergency != nil } ?? false)
        return conversation
    }

    /// The state once the case `id` is no longer linked to her (``Conversation/forgetting(case:)``), as stored;
    /// `nil` when it is not her current case and nothing changes.
    public func forgetting(case id: String) throws -> String? {
        guard currentCaseID == id else { return nil }
        var forgotten = encoded
        (forgotten.currentCaseID, forgotten.currentCase, forgotten.state) = (nil, nil, .new)
        (forgotten.sentContactList, forgotten.sentSafetyReply) = (nil, nil)
        return String(decoding: try JSONEncoder().encode(forgotten), as: UTF8.self)
    }

    /// The JSON's shape. Optional fields are those older rows may lack.
    fileprivate struct Encoded: Codable, Sendable, Hashable {
        var state: Stage
        var reachable: Bool
        var currentCaseID: String?
        /// The old format's whole record: only its id is read, and it is never written.
        var currentCase: OldRecord?
        var unansweredPrompts: Int
        var hasConsented: Bool
        var toldStillWaiting: Bool?
        var erasureAsked: Bool?
        var pendingRequest: String?
        var heldSince: Int64?
        var announcements: Bool?
        var safetyAsked: Bool?
        /// Written with every current case, so that a state without them is known to be older.
        var sentContactList: Bool?
        var sentSafetyReply: Bool?

        private enum CodingKeys: String, CodingKey {
            /// Where the stage is written: a key versions before one source of truth do not read. One of them still
            /// running during a rolling upgrade then finds no `state`, cannot read her conversation and leaves her
            /// events pending for a new instance, instead of deciding from a state whose case record it cannot see
            /// (it would queue her with no case row, and no counsellor would ever see her).
            case stage
            /// Where versions before it wrote the stage: still read.
            case state
            case reachable, currentCaseID, currentCase, unansweredPrompts, hasConsented, toldStillWaiting, erasureAsked
            case pendingRequest, heldSince, announcements, safetyAsked, sentContactList, sentSafetyReply
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            state = try container.decodeIfPresent(Stage.self, forKey: .stage) ?? container.decode(Stage.self, forKey: .state)
            reachable = try container.decode(Bool.self, forKey: .reachable)
            currentCaseID = try container.decodeIfPresent(String.self, forKey: .currentCaseID)
            currentCase = try container.decodeIfPresent(OldRecord.self, forKey: .currentCase)
            unansweredPrompts = try container.decode(Int.self, forKey: .unansweredPrompts)
            hasConsented = try container.decode(Bool.self, forKey: .hasConsented)
            toldStillWaiting = try container.decodeIfPresent(Bool.self, forKey: .toldStillWaiting)
            erasureAsked = try container.decodeIfPresent(Bool.self, forKey: .erasureAsked)
            pendingRequest = try container.decodeIfPresent(String.self, forKey: .pendingRequest)
            heldSince = try container.decodeIfPresent(Int64.self, forKey: .heldSince)
            announcements = try container.decodeIfPresent(Bool.self, forKey: .announcements)
            safetyAsked = try container.decodeIfPresent(Bool.self, forKey: .safetyAsked)
            sentContactList = try container.decodeIfPresent(Bool.self, forKey: .sentContactList)
            sentSafetyReply = try container.decodeIfPresent(Bool.self, forKey: .sentSafetyReply)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(state, forKey: .stage)
            try container.encode(reachable, forKey: .reachable)
            try container.encodeIfPresent(currentCaseID, forKey: .currentCaseID)
            try container.encodeIfPresent(currentCase, forKey: .currentCase)
            try container.encode(unansweredPrompts, forKey: .unansweredPrompts)
            try container.encode(hasConsented, forKey: .hasConsented)
            try container.encodeIfPresent(toldStillWaiting, forKey: .toldStillWaiting)
            try container.encodeIfPresent(erasureAsked, forKey: .erasureAsked)
            try container.encodeIfPresent(pendingRequest, forKey: .pendingRequest)
            try container.encodeIfPresent(heldSince, forKey: .heldSince)
            try container.encodeIfPresent(announcements, forKey: .announcements)
            try container.encodeIfPresent(safetyAsked, forKey: .safetyAsked)
            try container.encodeIfPresent(sentContactList, forKey: .sentContactList)
            try container.encodeIfPresent(sentSafetyReply, forKey: .sentSafetyReply)
        }

        init(_ conversation: Conversation) {
            state =
                switch conversation.state {
                case .new: .new
                case .consent: .consent
                case .topic: .topic
                case .urgency: .urgency
                case .queued, .active: .queued(priority: nil)
                case .survey: .survey
                case .closed(let outcome, let referral): .closed(outcome: outcome, referral: referral)
                }
            reachable = conversation.reachable
            currentCaseID = conversation.currentCase?.id
            unansweredPrompts = conversation.unansweredPrompts
            hasConsented = conversation.hasConsented
            toldStillWaiting = conversation.toldStillWaiting
            erasureAsked = conversation.erasureAsked
            pendingRequest = conversation.pendingRequest
            heldSince = conversation.heldSince
            announcements = conversation.announcements
            safetyAsked = conversation.safetyAsked ? true : nil  // Written only while it matters.
            if conversation.currentCase != nil {
                (sentContactList, sentSafetyReply) = (conversation.sentContactList, conversation.sentSafetyReply)
            }
        }
    }

    /// ``TriageState`` as stored: the queue's stage carries neither priority nor holder (the old format's
    /// `queued(priority:)` and `active(counsellor:)` are read, and their values ignored).
    fileprivate enum Stage: Codable, Sendable, Hashable {
        case new, consent, topic, urgency
        case queued(priority: Priority?)
        case active(counsellor: String?)
        case survey
        case closed(outcome: String, referral: String?)
    }

    fileprivate struct OldRecord: Codable, Sendable, Hashable {
        var id: String
    }
}
