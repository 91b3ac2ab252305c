import Model
import Storage
import Tagging

/// Tags the items that are new or changed since they were last tagged: classified on every
/// core (classification is a pure function of the item's text), stored in one transaction per
/// batch, the next batch being classified while one is stored.
struct TagStep {
    let environment: RunEnvironment
    let classifier: Classifier

    private static let batchSize = 2000

    func run(into summary: inout RunSummary) throws {
        try environment.store.retagNewlyKnownExploited()
        let items = try environment.store.itemsToTag(rulesFingerprint: classifier.fingerprint)
        let knownExploited = items.isEmpty ? [] : try environment.store.knownExploitedCVEs()
        let batches = stride(from: 0, to: items.count, by: Self.batchSize).map { Array(items[$0..<min($0 + Self.batchSize, items.count)]) }
        let classifier = self.classifier
        try forEachPipelined(batches: batches.count, produce: { number in
            batches[number].concurrentMap { item in
                let facts = UrgencyFacts(knownExploitedCVEs: knownExploited, listedCVEs: item.advisoryCVEs, cvss: item.advisoryCVSS,
                                         references: item.references)
                var classification = classifier.classify(title: item.title, summary: item.summary, content: item.content, facts: facts)
                classification.detectedLanguage = LanguageDetector.detect(item.title + "\n" + PlainText.from(html: item.summary))
                return classification
            }
        }, consume: { number, results in
            let batch = batches[number]
            try environment.store.saveClassifications(zip(batch, results).map { (item: $0, classification: $1) })
            summary.itemsTagged += batch.count
            summary.itemsTaggedHealth += results.filter(\.health).count
            summary.itemsTaggedUrgent += results.filter { $0.urgency == .urgent }.count
        })
        try environment.store.finishTagging(rulesFingerprint: classifier.fingerprint)
    }
}
