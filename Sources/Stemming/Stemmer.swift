import CStemmer
import Foundation

/// Word stems for search, French and English, from the Snowball stemmers (libstemmer): the
/// database's full-text index and the site's search index use the same ones, so that « hôpital »
/// finds « hôpitaux » and "vulnerability" finds "vulnerabilities" in both.
///
/// Words are stemmed folded (lower case, accents removed), as both indexes keep them: a reader
/// types « hopital » as often as « hôpital ». A stemmer is not thread-safe: one per thread or
/// per database connection.
public final class Stemmer {
    private let french: OpaquePointer
    private let english: OpaquePointer

    public init() {
        // Both algorithms are compiled into libstemmer: only a broken installation lacks them.
        guard let french = sb_stemmer_new("french", "UTF_8"), let english = sb_stemmer_new("english", "UTF_8") else {
            fatalError("libstemmer has no French or English stemmer")
        }
        self.french = french
        self.english = english
    }

    deinit {
        sb_stemmer_delete(french)
        sb_stemmer_delete(english)
    }

    /// The French stem, then the English one when it differs, of a folded word.
    public func stems(of word: String) -> [String] {
        let utf8 = Array(word.utf8)
        let first = stem(utf8, with: french) ?? word
        let second = stem(utf8, with: english) ?? word
        return first == second ? [first] : [first, second]
    }

    private func stem(_ word: [UInt8], with stemmer: OpaquePointer) -> String? {
        guard word.count < 1000 else { return nil }  // no language has such words; the index keeps them whole
        return word.withUnsafeBufferPointer { buffer -> String? in
            guard let result = sb_stemmer_stem(stemmer, buffer.baseAddress, Int32(buffer.count)) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: result, count: Int(sb_stemmer_length(stemmer))), as: UTF8.self)
        }
    }

    /// Lower case, accents removed: what both indexes and both searches compare.
    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// The folded words of a text (runs of letters and digits), as the search box splits a query.
    public static func foldedWords(in text: String) -> [String] {
        fold(text).split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }
}
