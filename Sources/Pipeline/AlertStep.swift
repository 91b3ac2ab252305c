import Curation
import Foundation
import Incidents
import Model
import Storage

/// Runs the alert rules over the declarations and what the store knows of CVEs and products,
/// and keeps their proposals as draft alerts (or updates the open alert about the same situation).
struct AlertStep {
    let environment: RunEnvironment

    @discardableResult
    func run(now: Date) throws -> Int {
        let settings = environment.settings.alerts
        let rules = AlertRules(burstCount: settings.burstCount, regionalBurstCount: settings.regionalBurstCount, burstDays: settings.burstDays,
                               smallestCountShown: environment.settings.observatoryK)
        let store = environment.store
        let facts = try store.incidentFacts()
        let known = try store.alertKnowledge(declaredCVEs: Set(facts.flatMap(\.cves)),
                                             declaredProducts: Set(facts.flatMap { $0.products.map { $0.lowercased() } }))
        let knowledge = AlertRules.Knowledge(
            itemsByCVE: known.itemsByCVE, advisoriesByProduct: known.advisoriesByProduct, knownExploited: known.knownExploited,
            healthProductsByKnownExploitedCVE: known.healthProductsByKnownExploitedCVE)
        var changed = 0
        for candidate in rules.candidates(facts: facts, knowledge: knowledge, now: now) {
            let result = try store.saveDerivedAlert(
                candidate, summaryHTML: try Curator.renderNote(candidate.summary),
                measuresHTML: try candidate.measures.map(Curator.renderNote), publishFrom: settings.autoPublishFrom, at: now)
            if result.changed {
                changed += 1
                environment.logger.notice("alert \(result.alert.status.rawValue)", metadata: [
                    "alert": "\(result.alert.id)", "rule": "\(candidate.rule)", "severity": "\(candidate.severity.rawValue)"])
            }
        }
        return changed
    }
}
