import Model
import Stemming

/// What the browser's search needs of the Snowball stems, which it cannot compute: for each
/// item, its words whose stems differ from themselves ("hopitaux=hopital"), and the synonym
/// groups by stem. `assets/search.js` reads a query word's stems from these pairs (every word
/// the site shows is there), so that « hôpital » finds « hôpitaux » as `items search` does.
struct SearchStems {
    private let stemmer = Stemmer()
    /// Words repeat across a month's items: each is stemmed once.
    private var known: [String: [String]] = [:]

    /// "word=stem[,stem] …" for the folded words of `text` that are not their own only stem.
    mutating func pairs(of text: String) -> String {
        var seen = Set<String>()
        var pairs: [String] = []
        for word in Stemmer.foldedWords(in: text) where seen.insert(word).inserted {
            let stems = stems(of: word)
            if stems != [word] { pairs.append(word + "=" + stems.joined(separator: ",")) }
        }
        return pairs.joined(separator: " ")
    }

    mutating func stems(of word: String) -> [String] {
        if let stems = known[word] { return stems }
        let stems = stemmer.stems(of: word)
        known[word] = stems
        return stems
    }

    /// `search/synonyms.json`: per group, the stems of its one-word terms ("k") and its folded
    /// phrases ("p"), which the browser looks for as they are.
    static func synonymsJSON(_ synonyms: SearchSynonyms) -> String {
        var stems = SearchStems()
        var json = JSONText(capacity: 256 * max(1, synonyms.groups.count))
        json.raw("[")
        for (index, group) in synonyms.groups.enumerated() {
            json.raw(index == 0 ? "{\"k\":[" : ",{\"k\":[")
            let words = group.map(Stemmer.foldedWords(in:))
            var keys: [String] = []
            for term in words where term.count == 1 {
                for stem in [term[0]] + stems.stems(of: term[0]) where !keys.contains(stem) { keys.append(stem) }
            }
            for (position, key) in keys.enumerated() {
                if position > 0 { json.raw(",") }
                json.string(key)
            }
            json.raw("],\"p\":[")
            for (position, phrase) in words.filter({ $0.count > 1 }).enumerated() {
                if position > 0 { json.raw(",") }
                json.string(phrase.joined(separator: " "))
            }
            json.raw("]}")
        }
        json.raw("]")
        return json.text
    }
}
