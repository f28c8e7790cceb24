import Foundation
import TsunaguCore

/// The figures `scripts/evaluate-safety` prints: for danger of any tier, for emergencies, and per category.
struct SafetyReport {
    typealias Result = (tier: String, category: String, kind: String, found: SafetyAssessment)
    let results: [Result]

    init(_ results: [Result]) { self.results = results }

    var text: String {
        var lines: [String] = []
        func ratio(_ part: Int, _ whole: Int) -> String { whole == 0 ? "   -  " : String(format: "%.3f", Double(part) / Double(whole)) }
        let risky = results.filter { $0.tier != "none" }
        let raised = results.filter { $0.found.tier != .none }
        let caught = risky.filter { $0.found.tier != .none }
        lines.append("messages \(results.count): \(risky.count) with danger, \(results.count - risky.count) without")
        lines.append(
            "danger (emergency or concern): recall \(ratio(caught.count, risky.count)) precision \(ratio(raised.count - raised.filter { $0.tier == "none" }.count, raised.count))"
        )
        let emergencies = results.filter { $0.tier == "emergency" }
        let calledEmergency = results.filter { $0.found.tier == .emergency }
        lines.append(
            "emergency: recall as emergency \(ratio(emergencies.filter { $0.found.tier == .emergency }.count, emergencies.count)), "
                + "as emergency or concern \(ratio(emergencies.filter { $0.found.tier != .none }.count, emergencies.count)), "
                + "precision \(ratio(calledEmergency.filter { $0.tier == "emergency" }.count, calledEmergency.count)) "
                + "(of danger: \(ratio(calledEmergency.filter { $0.tier != "none" }.count, calledEmergency.count)))")
        let concerns = results.filter { $0.tier == "concern" }
        lines.append("concern: recall as concern or emergency \(ratio(concerns.filter { $0.found.tier != .none }.count, concerns.count))")
        lines.append("")
        lines.append("category          n   recall  right category")
        for category in SafetyLexicon.categories {
            let these = risky.filter { $0.category == category }
            let found = these.filter { $0.found.tier != .none }
            lines.append(
                category.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%4d", these.count) + "   "
                    + ratio(found.count, these.count) + "   " + ratio(found.filter { $0.found.category == category }.count, found.count))
        }
        lines.append("")
        lines.append("without danger, by kind: n, raised")
        for kind in Set(results.filter { $0.tier == "none" }.map(\.kind)).sorted() {
            let these = results.filter { $0.tier == "none" && $0.kind == kind }
            lines.append(
                "  " + kind.padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: "%4d", these.count) + "   "
                    + "\(these.filter { $0.found.tier != .none }.count)")
        }
        return lines.joined(separator: "\n")
    }
}
