import Foundation
import Testing
import TsunaguCore

/// Her conversation as stored: her case's record and holder are never in it, and come back from the case's row.
@Suite("Stored conversation")
struct StoredConversationTests {
    static let record: CaseRecord = {
        var record = CaseRecord(id: "case-1", openedAt: 90)
        (record.topic, record.priority, record.queuedAt, record.concern) = ("work", .urgent, 100, "selfharm")
        return record
    }()

    @Test("the stored state keeps her case's id, not its record, and neither the queue's priority nor the holder")
    func splits() throws {
        for state in [TriageState.queued(priority: .urgent), .active(counsellor: "sato")] {
            var conversation = Conversation(state: state, currentCase: Self.record, hasConsented: true)
            conversation.announcements = true
            let json = try conversation.storedState()
            for copy in ["work", "selfharm", "urgent", "sato", "openedAt"] { #expect(!json.contains(copy), "\(state) stored \(copy): \(json)") }
            // Under a key versions before this one do not read: one of them still running refuses her state.
            #expect(json.contains(#""stage":{"queued":{}}"#) && !json.contains(#""state""#), "\(json)")
            let stored = try StoredConversation(json: json)
            #expect(stored.currentCaseID == "case-1")
            let holder: String? = if case .active(let name) = state { name } else { nil }
            #expect(try stored.conversation(currentCase: Self.record, holder: holder) == conversation)
        }
    }

    @Test("the holder and the priority are the case row's, whatever the stored state said")
    func derivesTheHolder() throws {
        let stored = try StoredConversation(json: try Conversation(state: .active(counsellor: "ghost"), currentCase: Self.record).storedState())
        #expect(try stored.conversation(currentCase: Self.record, holder: nil).state == .queued(priority: .urgent))
        #expect(try stored.conversation(currentCase: Self.record, holder: "suzuki").state == .active(counsellor: "suzuki"))
        let closed = try StoredConversation(json: try Conversation(state: .survey, currentCase: Self.record).storedState())
        #expect(try closed.conversation(currentCase: Self.record, holder: "sato").state == .survey, "a holder left on a closed case is no state")
    }

    @Test("the old format is read: only the id of its copy of the record, and not its holder")
    func readsTheOldFormat() throws {
        let old = """
            {"state":{"active":{"counsellor":"sato"}},"reachable":true,"unansweredPrompts":1,"hasConsented":true,\
            "currentCase":{"id":"case-1","openedAt":5,"topic":"stale","priority":"normal"}}
            """
        let stored = try StoredConversation(json: old)
        #expect(stored.currentCaseID == "case-1")
        let conversation = try stored.conversation(currentCase: Self.record, holder: "suzuki")
        #expect(conversation.currentCase == Self.record && conversation.state == .active(counsellor: "suzuki"))
        #expect(conversation.unansweredPrompts == 1 && conversation.hasConsented && !conversation.toldStillWaiting)
        let queued = try StoredConversation(
            json: #"{"state":{"queued":{"priority":"emergency"}},"reachable":false,"unansweredPrompts":0,"hasConsented":false}"#)
        #expect(try queued.conversation(currentCase: nil, holder: nil).state == .queued(priority: .emergency))
    }

    @Test("a state whose case's row is missing, or that is not JSON, cannot be read")
    func refusesTheUnreadable() throws {
        let stored = try StoredConversation(json: try Conversation(state: .topic, currentCase: Self.record).storedState())
        #expect(throws: DecodingError.self) { try stored.conversation(currentCase: nil, holder: nil) }
        #expect(throws: DecodingError.self) { try stored.conversation(currentCase: CaseRecord(id: "case-2", openedAt: 1), holder: nil) }
        #expect(throws: DecodingError.self) { try StoredConversation(json: #"{"state":{"queued""#) }
        #expect(!Conversation.isReadable(storedState: #"{"state":{"queued""#) && Conversation.isReadable(storedState: nil))
    }

    @Test("forgetting her current case starts her again from the beginning; another case changes nothing")
    func forgets() throws {
        let stored = try StoredConversation(json: try Conversation(state: .survey, currentCase: Self.record, hasConsented: true).storedState())
        #expect(try stored.forgetting(case: "case-2") == nil)
        let forgotten = try StoredConversation(json: try #require(try stored.forgetting(case: "case-1")))
        #expect(forgotten.currentCaseID == nil)
        #expect(try forgotten.conversation(currentCase: nil, holder: nil) == Conversation(state: .new, hasConsented: true))
    }
}
