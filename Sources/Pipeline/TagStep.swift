import Foundation
import Model
import Storage
import Tagging

/// Tags the items that are new or changed since they were last tagged.
struct TagStep {
    let environment: RunEnvironment
    let classifier: Classifier

    func run(into summary: inout RunSummary) throws {
        let items = try environment.store.itemsToTag(rulesFingerprint: classifier.taxonomy.fingerprint)
        guard !items.isEmpty else { return }
        let results = items.map { item in
            (item: item, classification: classifier.classify(title: item.title, summary: item.summary, content: item.content))
        }
        try environment.store.saveClassifications(results)
        summary.itemsTagged += results.count
    }
}
