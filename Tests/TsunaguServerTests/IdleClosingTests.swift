import Foundation
import Logging
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguPostgres
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// A case is closed as idle only if it is still idle in the transaction that closes it: her message written after
/// the idle cases were selected keeps her case open (on both backends).
@Suite("Closing idle cases")
struct IdleClosingTests {
    enum Backend { case sqlite, postgres }

    /// The cases, whose reading of the open cases (what ``CaseStore/idleCases(triage:queued:held:)`` selects from)
    /// runs `between` before it returns: what happens when her message lands while the retention job is between
    /// selecting the idle cases and closing them.
    struct WritingBetween: CaseStore {
        let base: any CaseStore
        let between: @Sendable () async throws -> Void

        func openCaseActivity() async throws -> [OpenCaseActivity] {
            let read = try await base.openCaseActivity()
            try await between()
            return read
        }
        func queue(now: Int64, limit: Int) async throws -> (items: [QueueItem], counts: [Priority: Int]) {
            try await base.queue(now: now, limit: limit)
        }
        func held(by counsellor: String) async throws -> [CaseSummary] { try await base.held(by: counsellor) }
        func act<Result: Sendable>(
            on selector: CaseSelector, by actor: String, now: Int64, lease: Int64, cap: Int, transcriptAfter: Int64?,
            _ decide: @escaping @Sendable (CaseState) throws -> (CaseChange, Result)
        ) async throws -> Result {
            try await base.act(on: selector, by: actor, now: now, lease: lease, cap: cap, transcriptAfter: transcriptAfter, decide)
        }
        func renewClaims(of counsellor: String, now: Int64, lease: Int64) async throws {
            try await base.renewClaims(of: counsellor, now: now, lease: lease)
        }
        func events(after cursor: Int64, limit: Int) async throws -> [StaffEvent] { try await base.events(after: cursor, limit: limit) }
        func forgetEvents(before cutoff: Int64) async throws -> Int { try await base.forgetEvents(before: cutoff) }
        func latestEventID() async throws -> Int64 { try await base.latestEventID() }
    }

    func stores(_ backend: Backend, in directory: TemporaryDirectory) async throws -> StoreSet {
        switch backend {
        case .sqlite:
            .sqlite(try SQLiteDatabase.open(path: directory.path("tsunagu.sqlite"), clock: RealTime.clock).chained(with: AuditForgery.testChain))
        case .postgres: .postgres(try await TestPostgres.makeDatabase(), instance: "test")
        }
    }

    /// One event of `chat` stored and processed into `commit` (given her conversation as it is).
    func step(_ stores: StoreSet, _ id: String, _ chat: String, at time: Int64, _ commit: @escaping @Sendable (Conversation?) -> TriageCommit)
        async throws
    {
        _ = try await stores.inbox.append([InboxStoreContract.event(id, conversation: chat, at: time)])
        _ = try await stores.triage.process(try await stores.triage.pendingEvents(limit: 10)) { _, snapshot in commit(snapshot.conversation) }
    }

    /// A line of hers in her case, at `time`.
    static func line(_ chat: String, at time: Int64) -> TranscriptEntry {
        TranscriptEntry(caseID: "case-\(chat)", at: time, author: .her, messageRef: nil, sealedText: Array("sealed-\(time)".utf8))
    }

    @Test("her message written after the idle cases were selected keeps her case open (SQLite)")
    func messageBetweenSelectionAndCloseOnSQLite() async throws { try await messageBetweenSelectionAndClose(.sqlite) }

    @Test(
        "her message written after the idle cases were selected keeps her case open (PostgreSQL)",
        .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
    func messageBetweenSelectionAndCloseOnPostgres() async throws { try await messageBetweenSelectionAndClose(.postgres) }

    func messageBetweenSelectionAndClose(_ backend: Backend) async throws {
        let directory = try TemporaryDirectory()
        let stores = try await stores(backend, in: directory)
        let day: Int64 = 86_400_000
        let now = RealTime.clock.now()
        // Two women, each quiet in triage for two days.
        let quiet = now - 2 * day
        for chat in ["A", "B"] {
            try await step(stores, "open-\(chat)", chat, at: quiet) { _ in
                TriageCommit(
                    conversation: Conversation(state: .topic, currentCase: CaseRecord(id: "case-\(chat)", openedAt: quiet), hasConsented: true),
                    newCaseKey: (caseID: "case-\(chat)", wrappedKey: Array("key-\(chat)".utf8), fingerprint: "f"),
                    transcript: [Self.line(chat, at: quiet)])
            }
        }
        // A writes again just after the retention job selected both cases, before it closes them.
        var racing = stores
        racing.cases = WritingBetween(base: stores.cases) {
            try await step(stores, "again-A", "A", at: now) { conversation in
                TriageCommit(conversation: conversation, transcript: [Self.line("A", at: now)])
            }
        }
        let decider = TriageDecider(
            engine: ScriptFixture.rulesOnlyEngine, dataKey: DataKey(base64: TestSecrets.dataKeyBase64)!, clock: RealTime.clock,
            ids: RealTime.ids, logger: Logger(label: "test"))
        let desk = CaseDesk(stores: racing, answeringWith: decider)
        #expect(try await desk.closeIdleCases(triage: now - day, queued: now - day, held: now - day) == 1, "only B closes")

        // A's case is open and no longer idle; B's is closed.
        #expect(try await stores.cases.idleCases(triage: now - day, queued: now - day, held: now - day).isEmpty)
        #expect(try await stores.cases.idleCases(triage: now + 1, queued: now + 1, held: now + 1).count == 1, "A's case is still open")
    }
}
