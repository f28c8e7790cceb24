import Crypto
import Foundation
import LineMessaging
public import TsunaguCore

/// What a counsellor does to a case — claim, release, transfer, reply, note, close, read — each as one
/// transaction that checks the counsellor may, runs the triage engine for the young woman's side of it, seals what is kept, queues what
/// is sent, and writes the audit entry and the live-feed event.
///
/// Who may act: only the counsellor holding a case reads it, writes in it or closes it. A claim is a lease: it
/// lasts ``Settings/lease`` from the counsellor's last action (or their client's last poll of the feed); once it
/// lapses the case is back in the queue, and it stays theirs only until a colleague takes it.
public struct CaseDesk: Sendable {
    public struct Settings: Sendable, Hashable {
        /// How long a claim lasts without the holder acting on it.
        public var lease: Duration
        /// The most open cases one counsellor may hold at once.
        public var casesPerCounsellor: Int

        public init(lease: Duration = .seconds(600), casesPerCounsellor: Int = 3) {
            self.lease = lease
            self.casesPerCounsellor = casesPerCounsellor
        }

        var leaseMilliseconds: Int64 { lease.wholeMilliseconds }
    }

    let store: any CaseStore
    /// Her side of each action, as triage decides it.
    private let engine: TriageEngine
    private let clock: WallClock
    /// Each case's own key: what the transcript is sealed with.
    private let cipher: CaseCipher
    /// Her address, sealed to her conversation.
    private let addresses: EventSealer
    private let outboxBuilder: OutboxEntryBuilder
    public let settings: Settings
    private let doorbells: [Doorbell]

    /// The desk takes the same engine, keys and outbox builder as triage (``TriageDecider``), so that what a
    /// counsellor's action tells her is decided, sealed and queued exactly as an answer to her own message is.
    /// - Parameter doorbells: rung after every action: the sender's (a message may be queued) and the feed's.
    init(
        stores: StoreSet, engine: TriageEngine, clock: WallClock, cipher: CaseCipher, addresses: EventSealer, outbox: OutboxEntryBuilder,
        settings: Settings = Settings(), doorbells: [Doorbell] = []
    ) {
        self.store = stores.cases
        self.engine = engine
        self.clock = clock
        self.cipher = cipher
        self.addresses = addresses
        self.outboxBuilder = outbox
        self.settings = settings
        self.doorbells = doorbells
    }

    /// A desk with the parts of `decider`, for a server answering with it.
    public init(stores: StoreSet, answeringWith decider: TriageDecider, settings: Settings = Settings(), doorbells: [Doorbell] = []) {
        self.init(
            stores: stores, engine: decider.engine, clock: decider.clock, cipher: decider.cipher, addresses: decider.sealer,
            outbox: decider.outbox, settings: settings, doorbells: doorbells)
    }

    var script: ConversationScript { engine.script }

    /// The desk's clock (milliseconds since the epoch): leases are reckoned by it.
    public func now() -> Int64 { clock.now() }

    // MARK: Actions

    /// Takes a waiting case (the named one, or the first in the queue's order); taking one's own again renews it.
    public func claim(_ selector: CaseSelector, by member: StaffMember) async throws -> CaseSummary {
        try await act(on: selector, by: member) { state, now in
            guard state.summary.closedAt == nil, state.conversation != nil else { throw CaseRefusal.closed(handle: state.handle) }
            guard state.summary.queuedAt != nil else { throw CaseRefusal.notWaiting(handle: state.handle) }
            if state.summary.counsellor == member.name { return (CaseChange(holder: .renew), state.summary) }
            if state.summary.isClaimLive(at: now), let holder = state.summary.counsellor {
                throw CaseRefusal.heldByColleague(handle: state.handle, counsellor: holder)
            }
            let triage = try tell(state, .claimed(counsellor: member.name), now: now)
            var summary = state.summary
            summary.counsellor = member.name
            summary.leaseUntil = now + settings.leaseMilliseconds
            let lapsed = state.summary.counsellor.map { " (lapsed from \($0))" } ?? ""
            return (
                CaseChange(triage: triage, holder: .take(member.name), audit: ("case.claim", "claimed\(lapsed)"), event: (.claimed, nil)), summary
            )
        }
    }

    /// Puts a case the counsellor holds back in the queue, at its place (it keeps its time of queueing).
    public func release(_ handle: String, by member: StaffMember) async throws {
        try await act(on: .handle(handle), by: member) { state, now in
            try requireHolder(state, member, at: now)
            let triage = try tell(state, .released, now: now)
            return (CaseChange(triage: triage, holder: .drop, audit: ("case.release", nil), event: (.released, nil)), ())
        }
    }

    /// Hands a case the counsellor holds to a colleague (`nil`: back to the queue). She is not told twice.
    public func transfer(_ handle: String, to colleague: String?, by member: StaffMember) async throws {
        try await act(on: .handle(handle), by: member) { state, now in
            try requireHolder(state, member, at: now)
            guard let colleague, colleague != member.name else {
                let triage = try tell(state, .released, now: now)
                return (CaseChange(triage: triage, holder: .drop, audit: ("case.transfer", "to the queue"), event: (.released, nil)), ())
            }
            let triage = try tell(state, .claimed(counsellor: colleague), now: now)
            return (
                CaseChange(triage: triage, holder: .take(colleague), audit: ("case.transfer", "to \(colleague)"), event: (.transferred, nil)), ()
            )
        }
    }

    /// Sends her a counsellor's message (pushed: her reply token is long gone) and keeps it in the transcript.
    public func reply(_ handle: String, text: String, by member: StaffMember) async throws {
        let text = try Self.checked(text)
        try await act(on: .handle(handle), by: member) { state, now in
            try requireHolder(state, member, at: now)
            guard state.conversation?.reachable == true else { throw CaseRefusal.unreachable(handle: state.handle) }
            var triage = TriageCommit()
            triage.transcript = [try kept(text, by: .counsellor, in: state, with: try caseKey(of: state), at: now)]
            triage.outbox = try outbox([BotMessage(text: text)], to: state, now: now)
            return (CaseChange(triage: triage, holder: .renew, audit: ("case.reply", nil)), ())
        }
    }

    /// Sends the reply template `id`, filled in for now.
    public func reply(_ handle: String, canned id: String, by member: StaffMember) async throws {
        guard let template = script.canned.first(where: { $0.id == id }) else { throw CaseRefusal.unknownTemplate(id) }
        try await reply(handle, text: engine.fill(template.text, now: clock.now()), by: member)
    }

    /// Keeps a private note with the case, sealed with its key like the transcript; never sent to her.
    public func note(_ handle: String, text: String, by member: StaffMember) async throws {
        let text = try Self.checked(text)
        try await act(on: .handle(handle), by: member) { state, now in
            try requireHolder(state, member, at: now)
            var triage = TriageCommit()
            triage.transcript = [try kept(text, by: .note, in: state, with: try caseKey(of: state), at: now)]
            return (CaseChange(triage: triage, holder: .renew, audit: ("case.note", nil)), ())
        }
    }

    /// Closes a case the counsellor holds with an outcome (and a partner she was referred to): she is thanked and asked
    /// the satisfaction question. Returns the case as closed.
    public func close(_ handle: String, outcome: String, referral: String?, by member: StaffMember) async throws -> CaseSummary {
        try script.checkEnding(outcome: outcome, referral: referral)
        return try await act(on: .handle(handle), by: member) { state, now in
            try requireHolder(state, member, at: now)
            let triage = try tell(state, .closed(outcome: outcome, referral: referral), now: now)
            var summary = state.summary
            summary.closedAt = now
            summary.outcome = outcome
            summary.referral = referral
            summary.counsellor = nil
            let detail = "outcome \(outcome)" + (referral.map { ", referred to \($0)" } ?? "")
            return (CaseChange(triage: triage, holder: .drop, audit: ("case.close", detail)), summary)
        }
    }

    /// The case and its transcript lines after `after` (0 for all), opened for the counsellor holding it.
    /// Every read is written to the audit log.
    public func show(_ handle: String, after: Int64, by member: StaffMember) async throws -> CaseDetail {
        try await act(on: .handle(handle), by: member, transcriptAfter: max(0, after)) { state, now in
            try requireHolder(state, member, at: now)
            let lines = try openLines(state)
            let detail = after > 0 ? "lines after \(after)" : "whole transcript"
            return (CaseChange(holder: .renew, audit: ("case.read", detail)), CaseDetail(summary: state.summary, lines: lines))
        }
    }

    /// Her open cases with their private notes, and the urgent cases waiting: what to hand over at shift end.
    public func handover(by member: StaffMember) async throws -> StaffAPI.Handover {
        var cases: [StaffAPI.Handover.HeldCase] = []
        for summary in try await store.held(by: member.name) {
            let notes = try await act(on: .handle(summary.handle), by: member, transcriptAfter: 0) { state, _ in
                guard state.summary.counsellor == member.name else { return (CaseChange(), [TranscriptLine]()) }
                let notes = try openLines(state).filter { $0.author == TranscriptEntry.Author.note.rawValue }
                return (CaseChange(audit: ("case.read", "notes for handover")), notes)
            }
            cases.append(StaffAPI.Handover.HeldCase(summary: summary, notes: notes))
        }
        let now = clock.now()
        let (waiting, counts) = try await store.queue(now: now, limit: 50)
        let urgent = waiting.filter { $0.priority != .normal }
        return StaffAPI.Handover(cases: cases, waiting: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }), urgent: urgent)
    }

    /// The reply templates, filled in for now.
    public func cannedReplies() -> [StaffAPI.CannedReply] {
        let now = clock.now()
        return script.canned.map { StaffAPI.CannedReply(id: $0.id, text: engine.fill($0.text, now: now)) }
    }

    /// Tells every woman still waiting, whom no counsellor holds, that the office has closed for the day and when
    /// she will be answered (``TriageEvent/officeClosed``); returns how many were told. Each is one transaction,
    /// like a counsellor's action, so a woman taken meanwhile is not told.
    public func tellWaitingTheOfficeClosed() async throws -> Int {
        let now = clock.now()
        var told = 0
        for item in try await store.queue(now: now, limit: 1_000).items {
            told += try await store.act(
                on: .handle(item.handle), by: Self.system, now: now, lease: settings.leaseMilliseconds, cap: settings.casesPerCounsellor,
                transcriptAfter: nil
            ) { state in
                let held = state.summary.isClaimLive(at: now)
                guard state.summary.closedAt == nil, state.summary.queuedAt != nil, !held else { return (CaseChange(), 0) }
                let triage = try tell(state, .officeClosed, now: now)
                return (CaseChange(triage: triage), triage.outbox.isEmpty ? 0 : 1)
            }
        }
        for doorbell in doorbells { doorbell.ring() }
        return told
    }

    /// Closes, silently, every open case idle longer than its stage allows (``TriageEvent/idle``, outcome
    /// ``TriageEngine/idleOutcome``), so that its retention period starts; returns how many closed. The cutoffs are
    /// milliseconds since the epoch, as in ``CaseStore/idleCases(triage:queued:held:)``; each selected case is
    /// judged again (``IdleCutoffs``) in the transaction that would close it, so her message written meanwhile keeps it open.
    public func closeIdleCases(triage: Int64, queued: Int64, held: Int64) async throws -> Int {
        let now = clock.now()
        let cutoffs = IdleCutoffs(triage: triage, queued: queued, held: held)
        var closed = 0
        for handle in try await store.idleCases(triage: triage, queued: queued, held: held) {
            closed += try await store.act(
                on: .handle(handle), by: Self.system, now: now, lease: settings.leaseMilliseconds, cap: settings.casesPerCounsellor,
                transcriptAfter: nil
            ) { state in
                // Only her current case can be told apart from her state; an older one stays for the next run.
                guard state.summary.closedAt == nil, cutoffs.isIdle(state.activity), state.conversation?.currentCase?.id == state.caseID else {
                    return (CaseChange(), 0)
                }
                let triage = try tell(state, .idle, now: now)
                return (CaseChange(triage: triage, holder: .drop, audit: ("case.close", "outcome \(TriageEngine.idleOutcome)")), 1)
            }
        }
        if closed > 0 { for doorbell in doorbells { doorbell.ring() } }
        return closed
    }

    /// Who acts when no counsellor does (the office closing): never a member of staff's name.
    static let system = "tsunagu"

    /// Extends the claims of every case `member` holds (the member's client is polling: they are at their desk). Writes
    /// only when a claim has less than half its lease left.
    public func keepClaimsAlive(of member: StaffMember) async throws {
        try await store.renewClaims(of: member.name, now: clock.now(), lease: settings.leaseMilliseconds)
    }

    // MARK: Steps

    private func act<Result: Sendable>(
        on selector: CaseSelector, by member: StaffMember, transcriptAfter: Int64? = nil,
        _ decide: @escaping @Sendable (CaseState, Int64) throws -> (CaseChange, Result)
    ) async throws -> Result {
        let now = clock.now()
        let result = try await store.act(
            on: selector, by: member.name, now: now, lease: settings.leaseMilliseconds, cap: settings.casesPerCounsellor,
            transcriptAfter: transcriptAfter
        ) { state in try decide(state, now) }
        for doorbell in doorbells { doorbell.ring() }
        return result
    }

    /// - Parameter now: the action's moment, which also says whether another holder's claim is still live.
    private func requireHolder(_ state: CaseState, _ member: StaffMember, at now: Int64) throws {
        guard state.summary.closedAt == nil, state.conversation != nil else { throw CaseRefusal.closed(handle: state.handle) }
        guard state.summary.counsellor == member.name else {
            throw CaseRefusal.notHeld(handle: state.handle, holder: state.summary.isClaimLive(at: now) ? state.summary.counsellor : nil)
        }
    }

    /// Runs the engine for a counsellor's event; returns her new state with the bot's messages kept and queued.
    private func tell(_ state: CaseState, _ event: TriageEvent, now: Int64) throws -> TriageCommit {
        guard let conversation = state.conversation else { throw CaseRefusal.closed(handle: state.handle) }
        let decision = engine.decide(event, for: conversation, context: TriageContext(now: now), newCaseID: state.caseID)
        var commit = TriageCommit(conversation: decision.conversation)
        let messages = decision.messages
        guard !messages.isEmpty else { return commit }
        // A case whose content was destroyed keeps nothing new; she is still told.
        if let key = try? caseKey(of: state) {
            commit.transcript = try messages.map { try kept($0.text, by: .bot, in: state, with: key, at: now) }
        }
        if conversation.reachable { commit.outbox = try outbox(messages, to: state, now: now) }
        return commit
    }

    /// A transcript line sealed with the case's key.
    private func kept(
        _ text: String, by author: TranscriptEntry.Author, in state: CaseState, with key: SymmetricKey, at now: Int64
    ) throws -> TranscriptEntry {
        TranscriptEntry(
            caseID: state.caseID, at: now, author: author, messageRef: nil,
            sealedText: try CaseCipher.seal(text, with: key, caseID: state.caseID))
    }

    private func outbox(_ messages: [BotMessage], to state: CaseState, now: Int64) throws -> [NewOutboxEntry] {
        guard let sealedAddress = state.sealedAddress else { throw CaseRefusal.unreachable(handle: state.handle) }
        let chatID = String(decoding: try addresses.open(sealedAddress, boundTo: state.pseudonym.rawValue), as: UTF8.self)
        return try outboxBuilder.entries(
            messages, to: chatID, replyToken: nil, leave: nil, conversation: state.pseudonym, receivedAt: now, occurredAt: now, now: now)
    }

    private func caseKey(of state: CaseState) throws -> SymmetricKey {
        guard let wrapped = state.wrappedCaseKey else { throw CaseRefusal.contentDestroyed(handle: state.handle) }
        return try cipher.unwrap(wrapped, for: state.caseID, fingerprint: state.caseKeyFingerprint)
    }

    private func openLines(_ state: CaseState) throws -> [TranscriptLine] {
        guard !state.transcript.isEmpty else { return [] }
        let key = try caseKey(of: state)
        return try state.transcript.map { line in
            TranscriptLine(
                id: line.id, at: line.at, author: line.author, text: try CaseCipher.open(line.sealedText, with: key, caseID: state.caseID))
        }
    }

    /// A counsellor's text, trimmed; refused when empty or longer than LINE takes in one message.
    static func checked(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CaseRefusal.emptyText }
        guard trimmed.utf16.count <= MessageLimits.textUTF16Units else { throw CaseRefusal.textTooLong(limit: MessageLimits.textUTF16Units) }
        return trimmed
    }
}
