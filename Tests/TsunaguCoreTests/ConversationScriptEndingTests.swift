import Testing
import TsunaguCore
import TsunaguCoreTesting

/// A closed LINE case and a logged phone or in-person consultation are held to the same lists of the script.
@Suite("How a consultation ended, checked against the script")
struct ConversationScriptEndingTests {
    let script = ScriptFixture.engine.script

    @Test("an outcome and a partner of the script pass; anything else is refused, naming what is allowed")
    func checked() throws {
        let outcome = try #require(script.outcomes.first?.id)
        let partner = try #require(script.partners.first?.id)
        try script.checkEnding(outcome: outcome, referral: nil)
        try script.checkEnding(outcome: outcome, referral: partner)
        #expect(throws: CaseRefusal.unknownOutcome("fixed", allowed: script.outcomes.map(\.id))) {
            try script.checkEnding(outcome: "fixed", referral: nil)
        }
        #expect(throws: CaseRefusal.unknownReferral("nowhere", allowed: script.partners.map(\.id))) {
            try script.checkEnding(outcome: outcome, referral: "nowhere")
        }
    }
}
