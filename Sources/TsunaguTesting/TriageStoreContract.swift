public import TsunaguCore

/// The behaviour every ``TriageStore`` backend must show (SQLite and PostgreSQL), written once against an inbox
/// and a triage store on the same database. Each check returns the promises it found broken.
public enum TriageStoreContract {
    public typealias MakeStores = @Sendable () async throws -> (inbox: any InboxStore, triage: any TriageStore)

    /// Events of `conversation`, ids `prefix-0`, `prefix-1`, … in that order.
    public static func events(_ prefix: String, conversation: String, count: Int) -> [InboxEvent] {
        (0..<count).map { InboxStoreContract.event("\(prefix)-\($0)", conversation: conversation, at: Int64($0 + 1)) }
    }

    /// A commit that counts her events in `unansweredPrompts`: each decision builds on the one before.
    public static func counting(_ event: InboxEvent, _ snapshot: TriageSnapshot) -> TriageCommit {
        var conversation = snapshot.conversation ?? Conversation()
        conversation.unansweredPrompts += 1
        return TriageCommit(conversation: conversation)
    }

    /// Each event is decided once; processing the same events again does nothing; the inbox counts them processed.
    public static func exactlyOnce(_ make: MakeStores) async throws -> [String] {
        let (inbox, triage) = try await make()
        var broken: [String] = []
        _ = try await inbox.append(events("a", conversation: "A", count: 2) + events("b", conversation: "B", count: 1))
        // Backends may interleave chats differently; each chat's own events come in order.
        let pending = try await triage.pendingEvents(limit: 10)
        if pending.map(\.eventID).filter({ $0.hasPrefix("a-") }) != ["a-0", "a-1"] || pending.count != 3 {
            broken.append("pending: \(pending.map(\.eventID))")
        }
        let decisions = Locked(0)
        let decide: @Sendable (InboxEvent, TriageSnapshot) throws -> TriageCommit = { event, snapshot in
            decisions.withLock { $0 += 1 }
            return counting(event, snapshot)
        }
        let first = try await triage.process(pending, decide: decide)
        let again = try await triage.process(pending, decide: decide)
        if first.processed != 3 || again.processed != 0 { broken.append("processed \(first.processed), then \(again.processed)") }
        if decisions.value != 3 { broken.append("decided \(decisions.value) times") }
        if try await !triage.pendingEvents(limit: 10).isEmpty { broken.append("events still pending") }
        let counts = try await inbox.counts()
        if counts.processed != 3 || counts.pending != 0 { broken.append("inbox counts \(counts)") }
        return broken
    }

    /// Her events are pending, and answered, in the order they were appended, whatever their ids.
    public static func arrivalOrder(_ make: MakeStores) async throws -> [String] {
        let (inbox, triage) = try await make()
        var broken: [String] = []
        let given = ["z", "m", "b", "q"].map { InboxStoreContract.event("\($0)-event", conversation: "A", at: 1) }
        _ = try await inbox.append(given)
        let pending = try await triage.pendingEvents(limit: 10).map(\.eventID)
        if pending != given.map(\.eventID) { broken.append("pending in the order \(pending)") }
        let decided = Locked([String]())
        _ = try await triage.process(try await triage.pendingEvents(limit: 10)) { event, snapshot in
            decided.withLock { $0.append(event.eventID) }
            return counting(event, snapshot)
        }
        if decided.value != given.map(\.eventID) { broken.append("decided in the order \(decided.value)") }
        return broken
    }

    /// Within a batch, each event sees the conversation as the events before it left it.
    public static func stateCarries(_ make: MakeStores) async throws -> [String] {
        let (inbox, triage) = try await make()
        _ = try await inbox.append(events("a", conversation: "A", count: 3))
        let seen = Locked([Int]())
        _ = try await triage.process(try await triage.pendingEvents(limit: 10)) { event, snapshot in
            seen.withLock { $0.append(snapshot.conversation?.unansweredPrompts ?? 0) }
            return counting(event, snapshot)
        }
        return seen.value == [0, 1, 2] ? [] : ["the decisions saw \(seen.value), expected [0, 1, 2]"]
    }

    /// An event whose decision fails stays pending and holds back nobody else's.
    public static func failureIsolated(_ make: MakeStores) async throws -> [String] {
        let (inbox, triage) = try await make()
        var broken: [String] = []
        _ = try await inbox.append(events("a", conversation: "A", count: 1) + events("b", conversation: "B", count: 1))
        struct Refused: Error {}
        let result = try await triage.process(try await triage.pendingEvents(limit: 10)) { event, snapshot in
            if event.eventID == "a-0" { throw Refused() }
            return counting(event, snapshot)
        }
        if result.processed != 1 || result.failed != ["a-0"] { broken.append("processed \(result.processed), failed \(result.failed)") }
        let pending = try await triage.pendingEvents(limit: 10).map(\.eventID)
        if pending != ["a-0"] { broken.append("pending afterwards: \(pending)") }
        return broken
    }

    /// A decision that opens and queues a case stores its key and sends: the next event sees both.
    public static func caseAndOutbox(_ make: MakeStores) async throws -> [String] {
        let (inbox, triage) = try await make()
        var broken: [String] = []
        _ = try await inbox.append(events("a", conversation: "A", count: 2))
        let key: [UInt8] = Array(repeating: 7, count: 40)
        let later = Locked<TriageSnapshot?>(nil)
        let result = try await triage.process(try await triage.pendingEvents(limit: 10)) { event, snapshot in
            guard event.eventID == "a-0" else {
                later.withLock { $0 = snapshot }
                return .nothing
            }
            var record = CaseRecord(id: "case-1", openedAt: 1)
            record.priority = .urgent
            record.queuedAt = 2
            var commit = TriageCommit(
                conversation: Conversation(state: .queued(priority: .urgent), currentCase: record),
                sealedAddress: [1, 2, 3], newCaseKey: (caseID: "case-1", wrappedKey: key, fingerprint: "f1"),
                transcript: [TranscriptEntry(caseID: "case-1", at: 1, author: .her, messageRef: "m1", sealedText: [9])])
            commit.outbox = [
                NewOutboxEntry(
                    id: "o1", conversation: Pseudonym(rawValue: "A"), retryKey: "k1", createdAt: 1, replyTokenUsableUntil: nil,
                    sealedPayload: [4])
            ]
            return commit
        }
        if result.processed != 2 || result.enqueued != 1 { broken.append("processed \(result.processed), enqueued \(result.enqueued)") }
        guard let snapshot = later.value else { return broken + ["the second event was not decided"] }
        if snapshot.wrappedCaseKey != key || snapshot.caseKeyFingerprint != "f1" { broken.append("the case key was not kept") }
        if snapshot.sealedAddress != [1, 2, 3] { broken.append("the sealed address was not kept") }
        if snapshot.waiting[.urgent] != 1 { broken.append("waiting counts were \(snapshot.waiting)") }
        if snapshot.conversation?.currentCase?.id != "case-1" { broken.append("the case record was not kept") }
        return broken
    }

    /// Retention destroys the key and transcript of cases closed before the cutoff, once, and her state forgets
    /// them; open or recently closed cases keep their content.
    public static func retention(_ make: MakeStores) async throws -> [String] {
        let (inbox, triage) = try await make()
        var broken: [String] = []
        _ = try await inbox.append(
            events("old", conversation: "A", count: 1) + events("new", conversation: "B", count: 1) + events("open", conversation: "C", count: 1)
                + events("later", conversation: "A", count: 1))
        let closedAt: [String: Int64?] = ["A": 1_000, "B": 9_000, "C": nil]
        let seen = Locked<[String: TriageSnapshot]>([:])
        _ = try await triage.process(try await triage.pendingEvents(limit: 10)) { event, snapshot in
            let chat = event.conversation?.rawValue ?? ""
            if event.eventID.hasPrefix("later") {
                seen.withLock { $0[chat] = snapshot }
                return .nothing
            }
            var record = CaseRecord(id: "case-\(chat)", openedAt: 1)
            record.closedAt = closedAt[chat] ?? nil
            return TriageCommit(
                conversation: Conversation(state: .closed(outcome: "done", referral: nil), currentCase: record),
                newCaseKey: (caseID: record.id, wrappedKey: [3], fingerprint: "f"),
                transcript: [TranscriptEntry(caseID: record.id, at: 1, author: .her, messageRef: nil, sealedText: [8])])
        }
        if seen.value["A"]?.wrappedCaseKey != [3] { broken.append("the key was not there before retention") }
        let shredded = try await triage.destroyContent(ofCasesClosedBefore: 5_000)
        let again = try await triage.destroyContent(ofCasesClosedBefore: 5_000)
        if shredded != 1 || again != 0 { broken.append("shredded \(shredded), then \(again)") }
        // What remains is read back through a snapshot of each chat's next event.
        _ = try await inbox.append(events("checkA", conversation: "A", count: 1) + events("checkB", conversation: "B", count: 1))
        let after = Locked<[String: TriageSnapshot]>([:])
        _ = try await triage.process(try await triage.pendingEvents(limit: 10)) { event, snapshot in
            after.withLock { $0[event.conversation?.rawValue ?? ""] = snapshot }
            return .nothing
        }
        if after.value["A"]?.wrappedCaseKey != nil { broken.append("the old case's key survived") }
        if after.value["A"]?.conversation == nil { broken.append("her conversation went too") }
        if after.value["A"]?.conversation?.currentCase != nil { broken.append("her state still holds the purged case") }
        if after.value["B"]?.wrappedCaseKey != [3] { broken.append("a recent case lost its key") }
        return broken
    }

    /// Words held before consent: the next snapshot carries the latest sealed bytes; a commit destroys them; the
    /// purge destroys those held since before its cutoff, and only those.
    public static func heldWords(_ make: MakeStores) async throws -> [String] {
        let (inbox, triage) = try await make()
        var broken: [String] = []
        func step(_ prefix: String, _ chats: [String], _ decide: @escaping @Sendable (String, TriageSnapshot) -> TriageCommit) async throws
            -> [String: TriageSnapshot]
        {
            _ = try await inbox.append(chats.flatMap { events("\(prefix)\($0)", conversation: $0, count: 1) })
            let seen = Locked<[String: TriageSnapshot]>([:])
            _ = try await triage.process(try await triage.pendingEvents(limit: 10)) { event, snapshot in
                let chat = event.conversation?.rawValue ?? ""
                seen.withLock { $0[chat] = snapshot }
                return decide(chat, snapshot)
            }
            return seen.value
        }
        _ = try await step("hold", ["A", "B", "C"]) { chat, _ in
            TriageCommit(conversation: Conversation(state: .consent), heldWords: .hold(sealed: [1], since: chat == "C" ? 9_000 : 1_000))
        }
        let first = try await step("more", ["A", "B", "C"]) { chat, _ in
            switch chat {
            case "A": TriageCommit(conversation: Conversation(state: .consent), heldWords: .hold(sealed: [1, 2], since: 1_000))
            case "B": TriageCommit(conversation: Conversation(state: .new), heldWords: .destroy)
            default: TriageCommit(conversation: Conversation(state: .consent))
            }
        }
        if first["A"]?.sealedHeldWords != [1] || first["C"]?.sealedHeldWords != [1] { broken.append("held words were not carried to the next event") }
        let purged = try await triage.destroyHeldWords(heldBefore: 5_000)
        if purged != 1 { broken.append("the purge destroyed \(purged) conversations' words, not 1") }
        let after = try await step("check", ["A", "B", "C"]) { _, _ in .nothing }
        if after["A"]?.sealedHeldWords != nil { broken.append("words held too long survived the purge") }
        if after["B"]?.sealedHeldWords != nil { broken.append("destroyed words survived") }
        if after["C"]?.sealedHeldWords != [1] { broken.append("words within their time were purged") }
        return broken
    }

    /// Announcements go to the conversations that asked for them, can be reached, and have an address; a later
    /// commit that stops them (she stopped them, erased, or blocked the account) takes her off at once.
    public static func announcementRecipients(_ make: MakeStores) async throws -> [String] {
        let (inbox, triage) = try await make()
        var broken: [String] = []
        // A asks, B asks but is blocked, C asks without an address, D never asks.
        _ = try await inbox.append(
            events("a", conversation: "A", count: 1) + events("b", conversation: "B", count: 1) + events("c", conversation: "C", count: 1)
                + events("d", conversation: "D", count: 1))
        _ = try await triage.process(try await triage.pendingEvents(limit: 10)) { event, _ in
            let name = event.conversation?.rawValue ?? ""
            var conversation = Conversation()
            conversation.announcements = name != "D"
            conversation.reachable = name != "B"
            let address: [UInt8]? = name == "C" ? nil : Array("sealed-\(name)".utf8)
            return TriageCommit(conversation: conversation, sealedAddress: address)
        }
        let recipients = try await triage.announcementRecipients()
        if recipients != [AnnouncementRecipient(conversation: Pseudonym(rawValue: "A"), sealedAddress: Array("sealed-A".utf8))] {
            broken.append("recipients were \(recipients.map(\.conversation.rawValue))")
        }
        _ = try await inbox.append(events("a2", conversation: "A", count: 1))
        _ = try await triage.process(try await triage.pendingEvents(limit: 10)) { _, snapshot in
            var conversation = snapshot.conversation ?? Conversation()
            conversation.announcements = false
            return TriageCommit(conversation: conversation)
        }
        if try await !triage.announcementRecipients().isEmpty { broken.append("she still received them after stopping") }
        return broken
    }

    /// Pending events leave out the conversations asked to be left out, and only those (events without one stay).
    public static func excluding(_ make: MakeStores) async throws -> [String] {
        let (inbox, triage) = try await make()
        _ = try await inbox.append([
            InboxStoreContract.event("a-1", conversation: "A", at: 1), InboxStoreContract.event("b-1", conversation: "B", at: 2),
            InboxStoreContract.event("none-1", conversation: nil, at: 3), InboxStoreContract.event("a-2", conversation: "A", at: 4),
        ])
        var broken: [String] = []
        let without = try await triage.pendingEvents(limit: 10, excluding: [Pseudonym(rawValue: "A")]).map(\.eventID)
        if without != ["b-1", "none-1"] { broken.append("leaving out A gave \(without)") }
        let all = try await triage.pendingEvents(limit: 10, excluding: []).map(\.eventID)
        if all != ["a-1", "b-1", "none-1", "a-2"] { broken.append("leaving out nobody gave \(all)") }
        return broken
    }

    public static let all: [(name: String, check: @Sendable (MakeStores) async throws -> [String])] = [
        ("exactlyOnce", exactlyOnce), ("stateCarries", stateCarries), ("failureIsolated", failureIsolated),
        ("caseAndOutbox", caseAndOutbox), ("retention", retention), ("arrivalOrder", arrivalOrder), ("heldWords", heldWords),
        ("excluding", excluding),
        ("announcementRecipients", announcementRecipients),
    ]
}
