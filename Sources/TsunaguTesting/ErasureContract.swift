public import TsunaguCore

/// What every backend must destroy, and when (SQLite and PostgreSQL), written once: a confirmed erasure, the
/// retention purge, dead letters, processed events and addresses no longer needed. Each check looks for her bytes
/// where they rest (``Stores/leftover``: the SQLite files, or a `pg_dump` of the database), not only through the
/// stores, and returns the promises it found broken.
public enum ErasureContract {
    /// The stores of one new database, and a way to search it at rest.
    public struct Stores: Sendable {
        public var inbox: any InboxStore
        public var triage: any TriageStore
        public var outbox: any OutboxStore
        public var cases: any CaseStore
        public var statistics: any StatisticsStore
        /// Which of these byte strings can still be found at rest. A backend that clears them asynchronously (SQLite
        /// truncates its log off the writer) waits, with a deadline, for the absent ones to go.
        public var leftover: @Sendable (_ needles: [[UInt8]]) async throws -> [[UInt8]]

        public init(
            inbox: any InboxStore, triage: any TriageStore, outbox: any OutboxStore, cases: any CaseStore, statistics: any StatisticsStore,
            leftover: @escaping @Sendable ([[UInt8]]) async throws -> [[UInt8]]
        ) {
            (self.inbox, self.triage, self.outbox, self.cases, self.statistics) = (inbox, triage, outbox, cases, statistics)
            self.leftover = leftover
        }
    }

    public typealias MakeStores = @Sendable () async throws -> Stores

    /// A byte string long enough to be found only where it was put.
    public static func marked(_ name: String) -> [UInt8] { Array("<<\(name)-4f1c9e27a8b3>>".utf8) }

    /// One event for each chat, decided by `decide` (given the chat and its snapshot); returns the snapshots seen.
    @discardableResult
    static func step(
        _ stores: Stores, _ prefix: String, _ chats: [String], _ decide: @escaping @Sendable (String, TriageSnapshot) -> TriageCommit
    ) async throws -> [String: TriageSnapshot] {
        _ = try await stores.inbox.append(chats.map { InboxStoreContract.event("\(prefix)-\($0)", conversation: $0, at: 1) })
        let seen = Locked<[String: TriageSnapshot]>([:])
        _ = try await stores.triage.process(try await stores.triage.pendingEvents(limit: 100)) { event, snapshot in
            let chat = event.conversation?.rawValue ?? ""
            seen.withLock { $0[chat] = snapshot }
            return decide(chat, snapshot)
        }
        return seen.value
    }

    /// A case of `chat` opened with its key, a line of transcript, and a send: each a marked byte string.
    static func opening(_ chat: String, case caseID: String, closedAt: Int64? = nil, queuedAt: Int64? = nil, at time: Int64 = 1)
        -> TriageCommit
    {
        var record = CaseRecord(id: caseID, openedAt: time)
        record.closedAt = closedAt
        record.queuedAt = queuedAt
        record.priority = queuedAt == nil ? nil : .normal
        let state: TriageState = closedAt != nil ? .closed(outcome: "done", referral: nil) : queuedAt == nil ? .topic : .queued(priority: .normal)
        var commit = TriageCommit(
            conversation: Conversation(state: state, currentCase: record, hasConsented: true),
            sealedAddress: marked("address-\(chat)"), newCaseKey: (caseID: caseID, wrappedKey: marked("key-\(caseID)"), fingerprint: "f"),
            transcript: [TranscriptEntry(caseID: caseID, at: time, author: .her, messageRef: nil, sealedText: marked("text-\(caseID)"))])
        commit.outbox = [
            NewOutboxEntry(
                id: "send-\(caseID)", conversation: Pseudonym(rawValue: chat), retryKey: "retry-\(caseID)", createdAt: time,
                replyTokenUsableUntil: nil, sealedPayload: marked("payload-\(caseID)"))
        ]
        return commit
    }

    /// A confirmed erasure destroys every case of hers (not only the latest), every send of hers (pending and
    /// dead-lettered), her address and her link to her cases; the reply it sends is still sent, and nobody
    /// else's data is touched.
    public static func erasureIsWhole(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        var broken: [String] = []
        // A: an old case (closed, its send dead-lettered), then a current one with a pending send. B: one case.
        try await step(stores, "first", ["A", "B"]) { chat, _ in
            chat == "A" ? opening("A", case: "case-A1", closedAt: 2) : opening("B", case: "case-B1")
        }
        guard var dead = try await stores.outbox.dueEntries(now: 10, limit: 10).first(where: { $0.id == "send-case-A1" }) else {
            return ["A's first send was not offered"]
        }
        dead.state = .deadLettered
        dead.lastError = "The property 'to' is invalid"
        try await stores.outbox.update([dead], countingPushes: 0, in: "2026-11")
        try await step(stores, "second", ["A"]) { _, _ in opening("A", case: "case-A2", at: 3) }
        try await step(stores, "erase", ["A"]) { _, snapshot in
            var closing = snapshot.conversation?.currentCase
            closing?.closedAt = 4
            closing?.outcome = "stopped"
            var commit = TriageCommit(conversation: Conversation(state: .new), shreddedCases: ["case-A2"], withholdPending: true)
            commit.erasure = Erasure(closing: closing, personToken: "person-token-of-erased")
            commit.outbox = [
                NewOutboxEntry(
                    id: "send-reply", conversation: Pseudonym(rawValue: "A"), retryKey: "retry-reply", createdAt: 4,
                    replyTokenUsableUntil: nil, sealedPayload: marked("payload-reply"))
            ]
            return commit
        }
        let hers = ["key-case-A1", "key-case-A2", "text-case-A1", "text-case-A2", "address-A", "payload-case-A1", "payload-case-A2"]
        let left = try await stores.leftover(hers.map(marked))
        if !left.isEmpty { broken.append("after erasure, still at rest: \(left.map { String(decoding: $0, as: UTF8.self) })") }
        let others = try await stores.leftover(["key-case-B1", "text-case-B1", "address-B", "payload-reply"].map(marked))
        if others.count != 4 { broken.append("erasure took someone else's data, or the reply to her: \(others.count) of 4 left") }
        let due = try await stores.outbox.dueEntries(now: 10, limit: 10).map(\.id)
        if !due.contains("send-reply") || due.contains("send-case-A2") { broken.append("sends offered after erasure: \(due)") }
        let counts = try await stores.outbox.counts()
        if counts.deadLetters.contains(where: { $0.id == "send-case-A1" }) { broken.append("her dead letter is still listed") }
        let after = try await step(stores, "check", ["A"]) { _, _ in .nothing }
        if after["A"]?.sealedAddress != nil || after["A"]?.wrappedCaseKey != nil { broken.append("her address or a key survived") }
        let people = Set(try await stores.statistics.facts(openedIn: 0..<100).filter { $0.channel == .line }.map { $0.person ?? "" })
        if people.contains("A") { broken.append("a case is still linked to her pseudonym") }
        if !people.contains("person-token-of-erased") || people.count != 2 {
            broken.append("her cases no longer count as one person: \(people.sorted())")
        }
        let outcome = try await stores.statistics.facts(openedIn: 0..<100).first { $0.openedAt == 3 }?.outcome
        if outcome != "stopped" { broken.append("her last case's record was not saved closed: \(outcome ?? "nil")") }
        return broken
    }

    /// A dead letter keeps LINE's reason and its counts, never the payload (her id, the text).
    public static func deadLetterWithoutPayload(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        _ = try await stores.outbox.enqueue([
            NewOutboxEntry(
                id: "d1", conversation: Pseudonym(rawValue: "A"), retryKey: "k", createdAt: 0, replyTokenUsableUntil: nil,
                sealedPayload: marked("payload-dead"))
        ])
        guard var dead = try await stores.outbox.dueEntries(now: 0, limit: 10).first else { return ["the entry was not offered"] }
        dead.state = .deadLettered
        dead.attempts = 3
        dead.lastError = "The property 'to' is invalid"
        try await stores.outbox.update([dead], countingPushes: 0, in: "2026-11")
        var broken: [String] = []
        if try await !stores.leftover([marked("payload-dead")]).isEmpty { broken.append("the dead letter kept its payload") }
        let letters = try await stores.outbox.counts().deadLetters
        if letters != [.init(id: "d1", createdAt: 0, attempts: 3, reason: "The property 'to' is invalid")] {
            broken.append("the dead letter's reason and counts were \(letters)")
        }
        return broken
    }

    /// The purge destroys a case's content and its link to her: her state forgets it, statistics count it apart
    /// from her, and neither its key nor its transcript rests anywhere.
    public static func retentionUnlinks(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        var broken: [String] = []
        try await step(stores, "open", ["A", "B"]) { chat, _ in opening(chat, case: "case-\(chat)", closedAt: chat == "A" ? 1_000 : 9_000) }
        let shredded = try await stores.triage.destroyContent(ofCasesClosedBefore: 5_000)
        if shredded != 1 { broken.append("shredded \(shredded) cases, not 1") }
        let left = try await stores.leftover([marked("key-case-A"), marked("text-case-A")])
        if !left.isEmpty { broken.append("after retention, still at rest: \(left.map { String(decoding: $0, as: UTF8.self) })") }
        if try await stores.leftover([marked("key-case-B")]).count != 1 { broken.append("a case within retention lost its key") }
        let after = try await step(stores, "check", ["A", "B"]) { _, _ in .nothing }
        if after["A"]?.conversation?.currentCase != nil || after["A"]?.conversation?.state != .new {
            broken.append("her state still holds the purged case or its outcome")
        }
        if after["B"]?.conversation?.currentCase?.id != "case-B" { broken.append("a case within retention left her state") }
        let people = try await stores.statistics.facts(openedIn: 0..<100).compactMap(\.person)
        if people.contains("A") || !people.contains("B") || people.count != 2 { broken.append("people after retention: \(people.sorted())") }
        return broken
    }

    /// Processed inbox events go after their period; pending ones stay.
    public static func processedEventsForgotten(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await step(stores, "done", ["A"]) { _, _ in .nothing }
        _ = try await stores.inbox.append([InboxStoreContract.event("waiting", conversation: "B", at: 1)])
        let forgotten = try await stores.triage.forgetProcessedEvents(before: RealTime.clock.now() + 60_000)
        let counts = try await stores.inbox.counts()
        var broken: [String] = []
        if forgotten != 1 { broken.append("forgot \(forgotten) events, not 1") }
        if counts.pending != 1 || counts.processed != 0 { broken.append("inbox counts afterwards: \(counts)") }
        return broken
    }

    /// A redelivery that comes after the processed event's row was deleted is still dropped: only a keyed digest of
    /// its id stays (nothing of the event is at rest), until the digests' own period ends.
    public static func redeliveryAfterForgetting(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await step(stores, "once", ["A"]) { _, _ in .nothing }
        _ = try await stores.triage.forgetProcessedEvents(before: RealTime.clock.now() + 60_000)
        var broken: [String] = []
        let left = try await stores.leftover([Array("once-A".utf8), Array("sealed-once-A".utf8)])
        if !left.isEmpty { broken.append("after forgetting, still at rest: \(left.map { String(decoding: $0, as: UTF8.self) })") }
        let redelivered = try await stores.inbox.append([InboxStoreContract.event("once-A", conversation: "A", at: 1)])
        if redelivered != [.duplicate] { broken.append("a redelivery after its row was deleted: \(redelivered)") }
        if try await !stores.triage.pendingEvents(limit: 10).isEmpty { broken.append("the redelivery waits to be answered again") }
        if try await stores.triage.forgetSeenEvents(before: 0) != 0 { broken.append("a digest went before its period") }
        if try await stores.triage.forgetSeenEvents(before: 3_600_000) != 1 { broken.append("the digest did not go after its period") }
        if try await stores.inbox.append([InboxStoreContract.event("once-A", conversation: "A", at: 1)]) != [.stored] {
            broken.append("an event whose digest went is still refused")
        }
        return broken
    }

    /// An address goes once nothing needs it: not while a send of hers is pending, a case of hers is open, or she
    /// receives announcements; nor before its period.
    public static func addressesForgotten(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        // A and E: closed, nothing to send; B: a pending send; C: an open case; D: announcements.
        try await step(stores, "setup", ["A", "B", "C", "D", "E"]) { chat, _ in
            var record = CaseRecord(id: "case-\(chat)", openedAt: 1)
            record.closedAt = chat == "C" ? nil : 2
            var conversation = Conversation(state: chat == "C" ? .topic : .closed(outcome: "done", referral: nil), currentCase: record)
            conversation.announcements = chat == "D"
            var commit = TriageCommit(conversation: conversation, sealedAddress: marked("address-\(chat)"))
            if chat == "B" {
                commit.outbox = [
                    NewOutboxEntry(
                        id: "pending-B", conversation: Pseudonym(rawValue: "B"), retryKey: "k", createdAt: 1, replyTokenUsableUntil: nil,
                        sealedPayload: [1])
                ]
            }
            return commit
        }
        let forgotten = try await stores.triage.forgetAddresses(unchangedSince: RealTime.clock.now() + 60_000)
        let early = try await stores.triage.forgetAddresses(unchangedSince: 0)
        var broken: [String] = []
        if forgotten != 2 || early != 0 { broken.append("forgot \(forgotten) addresses, then \(early) with an early cutoff") }
        let left = Set(
            try await stores.leftover(["A", "B", "C", "D", "E"].map { marked("address-\($0)") }).map { String(decoding: $0, as: UTF8.self) })
        let expected = Set(["B", "C", "D"].map { String(decoding: marked("address-\($0)"), as: UTF8.self) })
        if left != expected { broken.append("addresses left at rest: \(left.sorted())") }
        return broken
    }

    public static let all: [(name: String, check: @Sendable (MakeStores) async throws -> [String])] = [
        ("erasureIsWhole", erasureIsWhole), ("deadLetterWithoutPayload", deadLetterWithoutPayload), ("retentionUnlinks", retentionUnlinks),
        ("processedEventsForgotten", processedEventsForgotten), ("redeliveryAfterForgetting", redeliveryAfterForgetting),
        ("addressesForgotten", addressesForgotten),
    ]
}
