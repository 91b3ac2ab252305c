import GRDB
import Stemming

/// The full-text index's tokenizer (`cv_stem`): SQLite's unicode61 words, lower case and
/// accents removed as before, each indexed and searched by its Snowball stems, French and
/// English (colocated), so that « hôpital » finds « hôpitaux » and "vulnerability" finds
/// "vulnerabilities". Registered on every connection (`Store.init`), like `cv_rank`.
final class SearchTokenizer: FTS5WrapperTokenizer {
    static let name = "cv_stem"
    let wrappedTokenizer: any FTS5Tokenizer
    /// One per tokenizer: FTS5 makes one per table and connection, used by that connection alone.
    private let stemmer = Stemmer()

    init(db: Database, arguments: [String]) throws {
        wrappedTokenizer = try db.makeTokenizer(.unicode61(diacritics: .remove))
    }

    func accept(token: String, flags: FTS5TokenFlags, for tokenization: FTS5Tokenization,
                tokenCallback: FTS5WrapperTokenCallback) throws {
        // A prefix query ("hôp*") compares words as typed: a stem is no prefix of them.
        if tokenization.contains(.prefix) {
            try tokenCallback(token, flags)
            return
        }
        for (index, stem) in stemmer.stems(of: token).enumerated() {
            try tokenCallback(stem, index == 0 ? flags : flags.union(.colocated))
        }
    }
}
