import Testing
import TsunaguCore

/// The SQL both backends share: values stay values whatever they contain, and the rules read the same in SQL and
/// in Swift.
@Suite struct StoreStatementTests {
    @Test func valuesAreBoundNeverSpliced() {
        let hostile = "x' OR '1'='1"
        let statement: StoreStatement = "SELECT 1 FROM triage_case WHERE counsellor = \(hostile) AND lease_until < \(Int64(7)) LIMIT \(3)"
        let question = statement.rendered { _ in "?" }
        #expect(question.sql == "SELECT 1 FROM triage_case WHERE counsellor = ? AND lease_until < ? LIMIT ?")
        #expect(question.values == [.text(hostile), .integer(7), .integer(3)])
        #expect(statement.rendered { "$\($0)" }.sql == "SELECT 1 FROM triage_case WHERE counsellor = $1 AND lease_until < $2 LIMIT $3")
    }

    @Test func spliceKeepsTheOrderOfValues() {
        let statement = CaseConditions.renewClaims(of: "sato", now: 1_000, lease: 600)
        let (sql, values) = statement.rendered { "$\($0)" }
        #expect(values == [.integer(1_600), .text("sato"), .text("sato"), .integer(ClaimRenewal.dueBefore(now: 1_000, lease: 600))])
        #expect(sql.contains("lease_until = $1") && sql.contains("h WHERE counsellor = $3"))
    }

    /// Dropping the holder writes NULLs, each as the kind of value its column holds (text, integer), so a backend
    /// that can bind a typed NULL knows which.
    @Test func nullsKeepTheirKind() {
        let plan = CasePlanTests.plan(CaseChange(holder: .drop))
        #expect(plan.caseWrites.map { $0.rendered { _ in "?" }.values } == [[.text(nil), .integer(nil), .text("C1")]])
    }

    /// The Swift form of "waiting" agrees with the SQL one on every combination the SQL distinguishes.
    @Test(arguments: [nil, Int64(10)], [nil, Int64(10)])
    func waitingInSwiftMatchesTheCondition(queuedAt: Int64?, closedAt: Int64?) {
        for (counsellor, leaseUntil) in [(nil, nil), ("sato", Int64(99)), ("sato", Int64(100)), ("sato", Int64(101))] as [(String?, Int64?)] {
            let summary = CaseSummary(
                handle: "H", priority: .normal, queuedAt: queuedAt, counsellor: counsellor, leaseUntil: leaseUntil, closedAt: closedAt)
            let expected = queuedAt != nil && closedAt == nil && (counsellor == nil || leaseUntil! < 100)
            #expect(summary.isWaiting(at: 100) == expected)
            #expect(summary.isClaimLive(at: 100) == (counsellor != nil && leaseUntil! >= 100))
        }
    }

    /// Her pending sends are withheld before her finished ones are deleted, and her cases are shredded before they
    /// are cut from her: in the other order the erasure would leave what it promises to destroy.
    @Test func erasureOrder() {
        let steps = ErasurePlan.steps(erasing: Pseudonym(rawValue: "p"), Erasure(closing: nil, personToken: "t"))
        let shred = steps.firstIndex { if case .shredEach = $0 { true } else { false } }
        let withhold = steps.firstIndex(of: .withholdPendingSends)
        let sql = steps.map { if case .run(let s) = $0 { s.rendered { _ in "?" }.sql } else { "" } }
        let reassign = sql.firstIndex { $0.hasPrefix("UPDATE triage_case SET conversation") }
        let deleteSends = sql.firstIndex { $0.hasPrefix("DELETE FROM outbox_entry") }
        #expect(shred != nil && reassign != nil && shred! < reassign!)
        #expect(withhold != nil && deleteSends != nil && withhold! < deleteSends!)
    }
}
