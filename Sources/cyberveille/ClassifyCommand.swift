import ArgumentParser
import Config
import Foundation
import Tagging

/// `cyberveille classify --jsonl`: the tagging rules applied to items read on stdin, one JSON
/// object a line. The evaluation of tagging quality relies on this contract.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Tag items read on stdin as JSON lines {\"id\",\"title\",\"summary\",\"lang\"}.",
        discussion: """
            Writes one line per item: {"id", "health": bool, "score": number, "tags": [...], "cves": [...], \
            "urgency": "urgent"|"high"|"normal", "urgency_reasons": [{"kind", "rule", "text", "field"}, ...]}.
            """)

    @Flag(help: "Read and write JSON Lines (the only format).") var jsonl = false
    @Option(help: ArgumentHelp("Tagging rules (default: [paths] rules of the config, else Feeds/tagging.toml).", valueName: "FILE"))
    var rules: String?
    @Option(name: .customLong("urgency-rules"), help: ArgumentHelp(
        "Urgency rules (default: [paths] urgency_rules of the config, else Feeds/urgency.toml).", valueName: "FILE"))
    var urgencyRules: String?
    @Option(name: .customLong("config"), help: ArgumentHelp("Configuration file.", valueName: "FILE")) var configPath: String?

    func run() throws {
        let classifier: Classifier
        do {
            let settings = try Settings.resolve(SettingsOverrides(configPath: configPath), environment: ProcessInfo.processInfo.environment)
            classifier = Classifier(taxonomy: try Taxonomy.load(path: rules ?? settings.rulesPath),
                                    urgencyRules: try UrgencyRules.load(path: urgencyRules ?? settings.urgencyRulesPath))
        } catch {
            throw fail(error)
        }
        var lineNumber = 0
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw fail("stdin:\(lineNumber): not a JSON object")
            }
            let id: Any = object["id"] ?? NSNull()
            let result = classifier.classify(title: object["title"] as? String ?? "", summary: object["summary"] as? String ?? "",
                                             content: object["content"] as? String ?? "")
            let reasons: [[String: Any]] = result.urgencyReasons.map {
                ["kind": $0.kind.rawValue, "rule": $0.ruleID, "text": $0.matchedText, "field": $0.field]
            }
            let output: [String: Any] = ["id": id, "health": result.health, "score": result.score, "tags": result.tagIDs, "cves": result.cves,
                                         "urgency": result.urgency.name, "urgency_reasons": reasons]
            let data = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
