import ArgumentParser
import Foundation
import Model
import Pipeline
import Tagging

/// `cyberveille tags explain ITEM`: why an item got each of its tags.
struct TagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tags", abstract: "Explain tags.", subcommands: [TagsExplain.self])
}

struct TagsExplain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Show the rules and words behind each tag of an item, its health score and its urgency.")
    @OptionGroup var options: CommonOptions
    @Argument(help: "The item's id (as `items search` shows it).") var item: Int64

    func run() throws {
        try reportingFailure {
            let environment = try options.environment()
            guard let stored = try environment.store.item(id: item) else { throw ValidationError("no item \(item)") }
            let taxonomy = try Taxonomy.load(path: environment.settings.rulesPath)
            let labels = Dictionary(taxonomy.tags.map { ($0.id, $0.labelFR) }, uniquingKeysWith: { first, _ in first })
            let weights = Dictionary(taxonomy.rules.map { ($0.id, $0.weight) }, uniquingKeysWith: { first, _ in first })
            print("\(stored.id)  \(stored.title)  (\(stored.sourceTitle))")
            print("health: \(stored.health ? "yes" : "no"), score \(String(format: "%.3f", stored.healthScore)) (threshold \(taxonomy.threshold))")
            if stored.tags.isEmpty { print("no tag: no rule matched") }
            for evidence in stored.tags where evidence.ruleID == Classifier.incidentBonusRuleID {
                print("  incident bonus (+\(taxonomy.incidentBonus)): a weak health cue in an item that reports an incident")
            }
            for evidence in stored.tags where evidence.ruleID == Classifier.noSubjectRuleID {
                print("  not for the watch: about health, but no security or privacy subject (rules' [[subject]])")
            }
            for evidence in stored.tags where evidence.ruleID != Classifier.incidentBonusRuleID && evidence.ruleID != Classifier.noSubjectRuleID {
                let isSubject = taxonomy.rules.first { $0.id == evidence.ruleID }?.subject == .security
                let tag = isSubject ? "(security or privacy subject)" : evidence.tagID.isEmpty ? "(no tag: false friend)" : "\(evidence.tagID) — \(labels[evidence.tagID] ?? "?")"
                let weight = weights[evidence.ruleID].map { String(format: "%+.2f", $0) } ?? "rule no longer in the rules file"
                print("  \(tag): rule \(evidence.ruleID) (\(weight)) matched « \(evidence.matchedText) » in the \(evidence.field)")
            }
            if !stored.cves.isEmpty { print("CVE: \(stored.cveDetails.map(\.summary).joined(separator: ", "))") }
            if let cvss = stored.cvss { print("CVSS (highest given): \(cvss)") }
            print("urgency: \(stored.urgency.name) (\(stored.urgency.labelFR))")
            let urgencyRules = try UrgencyRules.load(path: environment.settings.urgencyRulesPath)
            for reason in stored.urgencyReasons {
                let category = urgencyRules.rule(id: reason.ruleID).map { " [\($0.labelFR)]" } ?? ""
                print("  \(reason.explanationFR)\(category)")
            }
            if stored.urgencyReasons.contains(where: { $0.kind == .negation }) {
                print("  the text says no exploitation is known: its words of exploitation do not count")
            }
        }
    }
}
