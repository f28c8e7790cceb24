/// Where triage keeps conversations, cases and transcripts, and how an inbox event is processed exactly once.
///
/// The contract every backend keeps:
/// - ``pendingEvents(limit:excluding:)`` returns unprocessed events oldest first, so each conversation's events can
///   be taken in order, leaving out the conversations in `excluding` (events without one are never left out);
/// - ``process(_:decide:)`` runs `decide` for each event *inside* one write transaction, with the
///   conversation as stored at that moment (earlier events of the batch included), and commits what it
///   returns together with marking the event processed: a crash leaves either all of it or none of it. An
///   event already processed is skipped, so a batch that is retried after a crash does nothing twice.
public protocol TriageStore: Sendable {
    func pendingEvents(limit: Int, excluding: Set<Pseudonym>) async throws -> [InboxEvent]

    /// Processes `events` in order; returns how many were processed now (not skipped). An event whose
    /// `decide` throws is left unprocessed (and the others are kept): the caller logs it and it is retried.
    func process(
        _ events: [InboxEvent], decide: @escaping @Sendable (InboxEvent, TriageSnapshot) throws -> TriageCommit
    ) async throws -> TriageBatchResult

    /// Destroys the content (key and transcript) of every case closed before `cutoff` (milliseconds since the
    /// epoch) whose content still exists, and its link to her: the case's `conversation` becomes its own id, and
    /// her state forgets it (``Conversation/forgetting(case:)``). The anonymous records stay. Returns how many
    /// cases were shredded.
    func destroyContent(ofCasesClosedBefore cutoff: Int64) async throws -> Int

    /// Deletes the inbox events processed before `cutoff`; returns how many went. Their digests stay (a redelivery
    /// after that is still dropped) until ``forgetSeenEvents(before:)``.
    func forgetProcessedEvents(before cutoff: Int64) async throws -> Int

    /// Deletes the digests of events received before `cutoff` (``InboxEvent/seenRetentionDays``); returns how many went.
    func forgetSeenEvents(before cutoff: Int64) async throws -> Int

    /// Forgets the sealed address of every conversation unchanged since before `cutoff` that needs it for nothing:
    /// no send of hers is pending, no case of hers is open, and she does not receive announcements. Her next message
    /// brings it back. Returns how many were forgotten.
    func forgetAddresses(unchangedSince cutoff: Int64) async throws -> Int

    /// Destroys the words held before consent (``TriageCommit/heldWords``) since before `cutoff`; returns how many
    /// conversations' words were destroyed.
    func destroyHeldWords(heldBefore cutoff: Int64) async throws -> Int

    /// The conversations that receive announcements now (``Conversation/receivesAnnouncements``, kept in a column
    /// by every commit), with their sealed addresses.
    func announcementRecipients() async throws -> [AnnouncementRecipient]
}

extension TriageStore {
    public func pendingEvents(limit: Int) async throws -> [InboxEvent] {
        try await pendingEvents(limit: limit, excluding: [])
    }
}

/// Someone who asked for the programme's announcements: her conversation and her sealed LINE address.
public struct AnnouncementRecipient: Sendable, Hashable {
    public var conversation: Pseudonym
    public var sealedAddress: [UInt8]

    public init(conversation: Pseudonym, sealedAddress: [UInt8]) { (self.conversation, self.sealedAddress) = (conversation, sealedAddress) }
}

/// What a batch did.
public struct TriageBatchResult: Sendable, Hashable {
    public var processed: Int
    public var failed: [String]
    /// Outbox entries were written: the sender has work.
    public var enqueued: Int

    public init(processed: Int, failed: [String], enqueued: Int) {
        self.processed = processed
        self.failed = failed
        self.enqueued = enqueued
    }
}

/// The stored facts `decide` starts from.
public struct TriageSnapshot: Sendable, Hashable {
    /// `nil` for a chat never seen before.
    public var conversation: Conversation?
    /// Her LINE id, sealed: opened only to address sends.
    public var sealedAddress: [UInt8]?
    /// The current case's content key, wrapped by the master key; `nil` once destroyed.
    public var wrappedCaseKey: [UInt8]?
    /// Which master key wrapped it (`nil`: the one in use before keyrings).
    public var caseKeyFingerprint: String?
    /// Cases waiting for a counsellor, by priority.
    public var waiting: [Priority: Int]
    /// Her words held before consent, sealed; `nil` when none are held.
    public var sealedHeldWords: [UInt8]?

    public init(
        conversation: Conversation?, sealedAddress: [UInt8]?, wrappedCaseKey: [UInt8]?, caseKeyFingerprint: String? = nil,
        waiting: [Priority: Int], sealedHeldWords: [UInt8]? = nil
    ) {
        self.sealedHeldWords = sealedHeldWords
        self.conversation = conversation
        self.sealedAddress = sealedAddress
        self.wrappedCaseKey = wrappedCaseKey
        self.caseKeyFingerprint = caseKeyFingerprint
        self.waiting = waiting
    }
}

/// Everything one processed event changes, committed with it.
public struct TriageCommit: Sendable {
    /// The conversation's new state; `nil` leaves it (and the cases) untouched.
    public var conversation: Conversation?
    public var sealedAddress: [UInt8]?
    /// A new case's content key, wrapped by the master key with `fingerprint`.
    public var newCaseKey: (caseID: String, wrappedKey: [UInt8], fingerprint: String)?
    public var transcript: [TranscriptEntry]
    /// Her messages to remove from every transcript (keyed references of LINE message ids).
    public var deletedMessageRefs: [String]
    /// Cases whose content is destroyed now: their key and their transcript.
    public var shreddedCases: [String]
    /// Withhold everything still waiting to be sent to her, before ``outbox`` is added.
    public var withholdPending: Bool
    /// She confirmed erasure: applied after her new state is stored and before ``outbox`` is added.
    public var erasure: Erasure?
    /// Emergency alerts to record for counsellors: `(caseID, category)`, raised at the commit's time.
    public var alerts: [(caseID: String, category: String)] = []
    /// Her words held before consent: replaced by these sealed bytes (held since `since`), or destroyed.
    public var heldWords: HeldWordsChange?
    public var outbox: [NewOutboxEntry]

    public init(
        conversation: Conversation? = nil, sealedAddress: [UInt8]? = nil,
        newCaseKey: (caseID: String, wrappedKey: [UInt8], fingerprint: String)? = nil,
        transcript: [TranscriptEntry] = [], deletedMessageRefs: [String] = [], shreddedCases: [String] = [],
        withholdPending: Bool = false, outbox: [NewOutboxEntry] = [], heldWords: HeldWordsChange? = nil
    ) {
        self.heldWords = heldWords
        self.conversation = conversation
        self.sealedAddress = sealedAddress
        self.newCaseKey = newCaseKey
        self.transcript = transcript
        self.deletedMessageRefs = deletedMessageRefs
        self.shreddedCases = shreddedCases
        self.withholdPending = withholdPending
        self.outbox = outbox
    }

    /// Nothing changes except that the event counts as processed.
    public static let nothing = TriageCommit()
}

/// What a confirmed erasure destroys, in the transaction of her confirmation:
/// - `closing`, her last case's final record (no longer in her state), is saved first;
/// - every case of her conversation loses its content (key and transcript) and its link to her: its
///   `conversation` becomes `personToken`, a random token nothing of hers leads to, so statistics still count
///   her cases as one person;
/// - every send of hers loses its payload (pending ones are withheld), and her settled sends are deleted;
/// - her sealed address is forgotten (her next message brings it back);
/// - her processed inbox events lose their link to her.
public struct Erasure: Sendable, Hashable {
    public var closing: CaseRecord?
    public var personToken: String

    public init(closing: CaseRecord?, personToken: String) { (self.closing, self.personToken) = (closing, personToken) }
}

/// What a commit does to the words she wrote before consent.
public enum HeldWordsChange: Sendable, Hashable {
    /// Keep these sealed bytes (all her words held so far), held since `since` (milliseconds since the epoch).
    case hold(sealed: [UInt8], since: Int64)
    /// Destroy them (released into her case, declined, or too old).
    case destroy
}

/// One line of a case's transcript, sealed with the case's own key.
public struct TranscriptEntry: Sendable, Hashable {
    public enum Author: String, Sendable, Hashable, Codable {
        case her
        case bot
        case counsellor
        /// A counsellor's private note: kept with the case, never sent to her.
        case note
    }

    public var caseID: String
    /// Milliseconds since the epoch.
    public var at: Int64
    public var author: Author
    /// A keyed reference to LINE's message id, so an unsend can find it; `nil` for our own messages.
    public var messageRef: String?
    public var sealedText: [UInt8]

    public init(caseID: String, at: Int64, author: Author, messageRef: String?, sealedText: [UInt8]) {
        self.caseID = caseID
        self.at = at
        self.author = author
        self.messageRef = messageRef
        self.sealedText = sealedText
    }
}
