import Dispatch
import Foundation
import Model
import Storage
import Tagging

/// Tags the items that are new or changed since they were last tagged: classified on every
/// core (classification is a pure function of the item's text), stored in one transaction per
/// batch.
struct TagStep {
    let environment: RunEnvironment
    let classifier: Classifier

    private static let batchSize = 2000

    func run(into summary: inout RunSummary) throws {
        let items = try environment.store.itemsToTag(rulesFingerprint: classifier.taxonomy.fingerprint)
        for start in stride(from: 0, to: items.count, by: Self.batchSize) {
            let batch = Array(items[start..<min(start + Self.batchSize, items.count)])
            let results = ClassificationResults(count: batch.count)
            let chunks = min(ProcessInfo.processInfo.activeProcessorCount * 2, batch.count)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                for index in stride(from: chunk, to: batch.count, by: chunks) {
                    let item = batch[index]
                    var classification = classifier.classify(title: item.title, summary: item.summary, content: item.content)
                    classification.detectedLanguage = LanguageDetector.detect(item.title + "\n" + PlainText.from(html: item.summary))
                    results.set(index, classification)
                }
            }
            try environment.store.saveClassifications(zip(batch, results.all).map { (item: $0, classification: $1) })
            summary.itemsTagged += batch.count
            summary.itemsTaggedHealth += results.all.filter(\.health).count
        }
        try environment.store.finishTagging(rulesFingerprint: classifier.taxonomy.fingerprint)
    }
}

/// One slot per item, each written by exactly one worker of `concurrentPerform`.
private final class ClassificationResults: @unchecked Sendable {
    private var slots: [Classification?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Classification) { lock.withLock { slots[index] = value } }

    var all: [Classification] { lock.withLock { slots.map { $0! } } }
}
