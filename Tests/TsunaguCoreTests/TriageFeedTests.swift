import Testing
import TsunaguCore

/// Which feed events a triage commit raises, checked without a store.
@Suite("The feed events of a triage commit")
struct TriageFeedTests {
    static func record(queuedAt: Int64?, closedAt: Int64?) -> CaseRecord {
        var record = CaseRecord(id: "C1", openedAt: 1)
        (record.queuedAt, record.closedAt) = (queuedAt, closedAt)
        return record
    }

    static func kinds(_ record: CaseRecord, over stored: TriageFeed.StoredMoments?) -> [StaffEvent.Kind] {
        TriageFeed.events(saving: record, over: stored).map(\.kind)
    }

    @Test("a case raises queued when it joins the queue open, once")
    func queued() {
        let queued = Self.record(queuedAt: 10, closedAt: nil)
        #expect(Self.kinds(queued, over: nil) == [.queued])
        #expect(Self.kinds(queued, over: .init(queuedAt: nil, closedAt: nil)) == [.queued])
        #expect(Self.kinds(queued, over: .init(queuedAt: 10, closedAt: nil)) == [])
        #expect(Self.kinds(Self.record(queuedAt: nil, closedAt: nil), over: nil) == [])
        #expect(TriageFeed.events(saving: queued, over: nil) == [FeedEvent(kind: .queued, caseID: "C1")])
    }

    @Test("a stored open case raises closed when it closes, once; a case new and closed at once raises nothing")
    func closed() {
        let closed = Self.record(queuedAt: 10, closedAt: 20)
        #expect(Self.kinds(closed, over: .init(queuedAt: 10, closedAt: nil)) == [.closed])
        #expect(Self.kinds(closed, over: .init(queuedAt: 10, closedAt: 20)) == [])
        #expect(Self.kinds(closed, over: nil) == [])
        #expect(Self.kinds(Self.record(queuedAt: nil, closedAt: 20), over: .init(queuedAt: nil, closedAt: nil)) == [.closed])
    }

    @Test("her line tells the holder only; nobody else's line is news", arguments: [TranscriptEntry.Author.her, .bot, .counsellor, .note])
    func line(author: TranscriptEntry.Author) {
        let line = TranscriptEntry(caseID: "C1", at: 5, author: author, messageRef: nil, sealedText: [1])
        let expected = author == .her ? FeedEvent(kind: .message, caseID: "C1", onlyIfHeld: true) : nil
        #expect(TriageFeed.event(forLine: line) == expected)
    }

    @Test("an alert rings whether or not the case is held, with its category")
    func alert() {
        #expect(TriageFeed.event(forAlert: (caseID: "C1", category: "suicide")) == FeedEvent(kind: .alert, caseID: "C1", detail: "suicide"))
    }
}
