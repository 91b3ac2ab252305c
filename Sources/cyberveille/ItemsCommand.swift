import ArgumentParser
import Foundation
import Model
import Pipeline
import Storage
import Tagging

/// `cyberveille items …`: the stored items.
struct ItemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "items", abstract: "Search, show, curate and group the stored items.",
        subcommands: [ItemsList.self, ItemsSearch.self, ItemsShow.self, ItemsSelect.self, ItemsReject.self, ItemsQueue.self,
                      ItemsPin.self, ItemsHandled.self, ItemsEdit.self, ItemsTag.self, ItemsMerge.self, ItemsSplit.self])
}

struct ItemsSearch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Full-text search of titles and texts (case and accents ignored, words by their stems, synonyms of the rules), best first.")
    @OptionGroup var options: CommonOptions
    @Argument(help: "Words that must all appear, e.g. \"rançongiciel hôpital\".") var query: String
    @Option(help: "Most results shown.") var limit = 20
    @Flag(help: "Print one JSON object: {\"results\": [{\"id\", \"title\", \"link\", \"source\", \"date\", \"snippet\", \"score\"}]}.")
    var json = false

    func run() throws {
        let hits: [SearchHit]
        do {
            let environment = try options.environment()
            let synonyms = try Taxonomy.load(path: environment.settings.rulesPath).synonyms
            hits = try environment.store.search(query, synonyms: synonyms, limit: max(1, limit))
        } catch {
            throw fail(error)
        }
        if json {
            let results: [[String: Any]] = hits.map {
                ["id": $0.id, "title": $0.title, "link": $0.link ?? NSNull(), "source": $0.sourceTitle,
                 "date": ISO8601UTC.string(from: $0.date), "snippet": $0.snippet, "score": ($0.score * 1000).rounded() / 1000]
            }
            let data = try JSONSerialization.data(withJSONObject: ["results": results], options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else if hits.isEmpty {
            print("no item matches")
        } else {
            for hit in hits {
                print("\(hit.id)  \(ISO8601UTC.day(from: hit.date))  \(hit.sourceTitle)  \(hit.title)")
                print("    \(hit.snippet.replacingOccurrences(of: "\n", with: " "))")
            }
        }
    }
}
