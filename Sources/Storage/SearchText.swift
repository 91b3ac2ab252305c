import Foundation
import GRDB
import Model
import Stemming

/// One result of `Store.search`.
public struct SearchHit: Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var link: String?
    public var sourceTitle: String
    public var date: Date
    /// The best passage, matched words in [brackets].
    public var snippet: String
    /// Higher is better (bm25, title words counting five times).
    public var score: Double
}

/// What the full-text index holds of an item, and how a reader's query becomes an FTS5 one.
enum SearchText {
    static func body(summary: String?, content: String?) -> String {
        [summary, content].compactMap { $0.map(PlainText.from(html:)) }.joined(separator: "\n")
    }

    /// `body` as an SQL function, so that the index is filled by one INSERT … SELECT.
    static let bodyFunction = DatabaseFunction("cv_search_body", argumentCount: 2, pure: true) { values in
        body(summary: String.fromDatabaseValue(values[0]), content: String.fromDatabaseValue(values[1]))
    }

    /// Every word of the query, each quoted (so that FTS5 operators and punctuation typed by a
    /// reader are words, never syntax), all required; a word with synonyms is any of them. nil
    /// when there is no word.
    static func matchExpression(_ query: String, synonyms: SearchSynonyms = .none) -> String? {
        matchWords(query, synonyms: synonyms).map(expression)
    }

    /// The words of the query, each the FTS5 phrases that may stand for it: itself and its
    /// synonyms (terms of a group one of whose words has a stem in common with it).
    static func matchWords(_ query: String, synonyms: SearchSynonyms = .none) -> [[String]]? {
        let words = query.split { !($0.isLetter || $0.isNumber) }.prefix(16)
        guard !words.isEmpty else { return nil }
        let stemmer = Stemmer()
        let groups = synonyms.groups.map { terms in
            (terms: terms, stems: Set(terms.filter { !$0.contains(" ") }.flatMap { stemmer.stems(of: Stemmer.fold($0)) }))
        }
        return words.map { word in
            let stems = Set(stemmer.stems(of: Stemmer.fold(String(word))))
            var phrases = [quoted(String(word))]
            for group in groups where !group.stems.isDisjoint(with: stems) {
                for term in group.terms where !phrases.contains(quoted(term)) { phrases.append(quoted(term)) }
            }
            return phrases
        }
    }

    /// All words required, each any of its phrases.
    static func expression(_ words: [[String]]) -> String {
        words.map { $0.count == 1 ? $0[0] : "(" + $0.joined(separator: " OR ") + ")" }.joined(separator: " AND ")
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
