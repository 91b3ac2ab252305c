import Foundation

/// Splits text into words (runs of letters and digits) and folds each for matching:
/// lowercase, accents removed. Punctuation, apostrophes and hyphens separate words.
struct WordTokenizer {
    struct Word {
        var range: Range<String.Index>
        var folded: String
        /// Accents removed, case kept: what case-sensitive rules compare.
        var unaccented: String
    }

    static func words(in text: String) -> [Word] {
        var words: [Word] = []
        var start: String.Index?
        var index = text.startIndex
        while index < text.endIndex {
            let isWordCharacter = text[index].isLetter || text[index].isNumber
            if isWordCharacter {
                if start == nil { start = index }
            } else if let s = start {
                words.append(word(text, s..<index))
                start = nil
            }
            index = text.index(after: index)
        }
        if let s = start { words.append(word(text, s..<text.endIndex)) }
        return words
    }

    private static func word(_ text: String, _ range: Range<String.Index>) -> Word {
        let original = text[range]
        let unaccented = unaccent(original)
        return Word(range: range, folded: unaccented.lowercased(), unaccented: unaccented)
    }

    private static func unaccent(_ s: Substring) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return String(s) }
        return s.folding(options: [.diacriticInsensitive], locale: nil)
    }
}
