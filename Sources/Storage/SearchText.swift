import Foundation
import GRDB
import Model

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
    /// reader are words, never syntax), all required. nil when there is no word.
    static func matchExpression(_ query: String) -> String? {
        matchWords(query)?.joined(separator: " ")
    }

    /// The words of `matchExpression`, each an FTS5 phrase.
    static func matchWords(_ query: String) -> [String]? {
        let words = query.split { !($0.isLetter || $0.isNumber) }.prefix(16)
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"" }
    }
}
