import ArgumentParser
import Foundation
import Model
import Tagging

/// `cyberveille bench tag FILE.jsonl`: classify the records of a JSON Lines file (`title`,
/// `summary`), repeated up to `--items`, on one thread, with the urgency rules as the daily run
/// tags (or, `--without-urgency`, health relevance alone); print items/s as JSON.
struct TagBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Classify JSON Lines records on one core; print items/s as JSON.")

    @Argument(help: "JSON Lines with title and summary.") var file: String
    @Option(help: "Items classified (the file's records, repeated).") var items = 200_000
    @Option(help: "Rules file.") var rules = "Feeds/tagging.toml"
    @Option(help: "Urgency rules file (default: urgency.toml beside the rules file).") var urgencyRules: String?
    @Flag(help: "Judge health relevance alone, without urgency.") var withoutUrgency = false

    func run() throws {
        let urgencyPath = urgencyRules ?? ((rules as NSString).deletingLastPathComponent as NSString).appendingPathComponent("urgency.toml")
        let classifier = Classifier(taxonomy: try Taxonomy.load(path: rules),
                                    urgencyRules: withoutUrgency ? nil : try UrgencyRules.load(path: urgencyPath))
        let records = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").compactMap { line -> (String, String)? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return (object["title"] as? String ?? "", object["summary"] as? String ?? "")
        }
        guard !records.isEmpty else { throw ValidationError("\(file): no record") }
        var healthItems = 0
        var urgentItems = 0
        var tags = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<items {
            let (title, summary) = records[index % records.count]
            let result = classifier.classify(title: title, summary: summary, content: "")
            if result.health { healthItems += 1 }
            if result.urgency == .urgent { urgentItems += 1 }
            tags += result.evidence.count
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let figures: [String: Any] = ["items": items, "records": records.count, "seconds": seconds, "items_per_s": Double(items) / seconds,
                                      "health": healthItems, "urgent": urgentItems, "urgency": classifier.urgency != nil,
                                      "evidence": tags, "rules": classifier.taxonomy.rules.count,
                                      "terms": classifier.taxonomy.rules.reduce(0) { $0 + $1.terms.count }]
        print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
    }
}
