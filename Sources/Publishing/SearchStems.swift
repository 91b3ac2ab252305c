import Model
import Stemming

/// What the browser's search needs of the Snowball stems, which it cannot compute: for each
/// item, its words whose stems differ from themselves ("hopitaux=hopital"), and the synonym
/// groups by stem. `assets/search.js` reads a query word's stems from these pairs (every word
/// the site shows is there), so that « hôpital » finds « hôpitaux » as `items search` does.
struct SearchStems {
    private let stemmer = Stemmer()

    /// A word seen in this month's items: its folded bytes and its pair ("word=stem,…"), nil
    /// when it is its own only stem. Words repeat across a month's thousands of items: each is
    /// stemmed once, and a text's words are found by their bytes without making a String.
    private struct Word {
        var bytes: [UInt8]
        var pair: String?
        /// The last text it was listed for (a word is listed once per item).
        var listedFor: Int
        /// The next word with the same hash.
        var next: Int
    }

    private var words: [Word] = []
    private var firstByHash: [UInt64: Int] = [:]
    private var texts = 0

    /// "word=stem[,stem] …" for the folded words of `text` that are not their own only stem.
    mutating func pairs(of text: String) -> String {
        texts += 1
        var folded = Stemmer.fold(text)
        var pairs: [String] = []
        folded.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let length = Self.separatorLength(bytes, at: index)
                if length > 0 { index += length; continue }
                let start = index
                while index < bytes.count, Self.separatorLength(bytes, at: index) == 0 { index += 1 }
                let word = entry(for: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                if words[word].listedFor != texts, let pair = words[word].pair { pairs.append(pair) }
                words[word].listedFor = texts
            }
        }
        return pairs.joined(separator: " ")
    }

    private mutating func entry(for bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        var candidate = firstByHash[hash] ?? -1
        while candidate >= 0 {
            if words[candidate].bytes.elementsEqual(bytes) { return candidate }
            candidate = words[candidate].next
        }
        let word = String(decoding: bytes, as: UTF8.self)
        let stems = stemmer.stems(of: word)
        words.append(Word(bytes: Array(bytes), pair: stems == [word] ? nil : word + "=" + stems.joined(separator: ","),
                          listedFor: 0, next: firstByHash[hash] ?? -1))
        firstByHash[hash] = words.count - 1
        return words.count - 1
    }

    /// How many bytes of separator start at `index` (0: a letter or digit): ASCII other than
    /// letters and digits, and the Latin-1 and general punctuation blocks (« », ’, –, …), as the
    /// browser's search splits words (`\p{L}\p{N}`) for the text a French or English feed holds.
    private static func separatorLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = bytes[index]
        if byte < 0x80 {
            let lower = byte | 0x20
            return (byte >= 0x30 && byte <= 0x39) || (lower >= 0x61 && lower <= 0x7A) ? 0 : 1
        }
        if byte == 0xC2, index + 1 < bytes.count {
            switch bytes[index + 1] {
            case 0xAA, 0xB2, 0xB3, 0xB5, 0xB9, 0xBA, 0xBC...0xBE: return 0  // ª ² ³ µ ¹ º ¼ ½ ¾: letters and numbers
            case 0x80...0xBF: return 2  // U+0080–U+00BF: controls, no-break space, « », ·, ° …
            default: return 0
            }
        }
        if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80 || bytes[index + 1] == 0x81 {
            return 3  // U+2000–U+207F: spaces, dashes, quotes, ellipsis … (and the super/subscripts there, rare in a title)
        }
        return 0
    }

    /// `search/synonyms.json`: per group, the stems of its one-word terms ("k") and its folded
    /// phrases ("p"), which the browser looks for as they are.
    static func synonymsJSON(_ synonyms: SearchSynonyms) -> String {
        let stemmer = Stemmer()
        var json = JSONText(capacity: 256 * max(1, synonyms.groups.count))
        json.raw("[")
        for (index, group) in synonyms.groups.enumerated() {
            json.raw(index == 0 ? "{\"k\":[" : ",{\"k\":[")
            let words = group.map(Stemmer.foldedWords(in:))
            var keys: [String] = []
            for term in words where term.count == 1 {
                for stem in [term[0]] + stemmer.stems(of: term[0]) where !keys.contains(stem) { keys.append(stem) }
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
