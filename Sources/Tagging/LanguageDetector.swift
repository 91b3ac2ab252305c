/// The language of a short text (a headline and its summary) from its function words, for
/// items whose feed does not say. Answers only when one language clearly leads.
public enum LanguageDetector {
    private static let functionWords: [(language: String, words: Set<String>)] = [
        ("fr", ["le", "la", "les", "des", "du", "un", "une", "et", "est", "dans", "pour", "sur", "avec", "par", "qui", "que",
                "au", "aux", "ce", "cette", "sont", "pas", "plus", "ont", "été", "d", "l", "leur", "ses", "vers", "chez"]),
        ("en", ["the", "and", "of", "to", "in", "is", "for", "on", "with", "that", "by", "are", "was", "from", "as", "at",
                "be", "has", "have", "this", "it", "its", "not", "after", "over", "into", "their", "were", "been"]),
        ("de", ["der", "die", "das", "und", "ist", "mit", "für", "von", "den", "des", "ein", "eine", "nicht", "auf", "im",
                "zu", "sich", "dem", "bei", "wird", "werden", "sind", "auch", "nach"]),
        ("es", ["el", "los", "las", "del", "y", "por", "para", "con", "una", "es", "se", "al", "como", "más", "pero", "sus"]),
        ("it", ["il", "lo", "gli", "di", "della", "che", "per", "con", "è", "sono", "non", "alla", "delle", "dei", "nel"]),
    ]

    /// Words read at most: enough to tell, and a long article costs no more than its opening.
    private static let wordsRead = 200

    /// Every function word, packed into an integer by `PackedWord`, with the languages (bit i
    /// for `functionWords[i]`) it belongs to: one hash of an integer per word of the text.
    private static let languagesOfWord: [UInt64: UInt8] = {
        var table: [UInt64: UInt8] = [:]
        for (index, entry) in functionWords.enumerated() {
            for word in entry.words {
                var packed = PackedWord()
                for byte in word.utf8 { packed.append(byte) }
                table[packed.value!, default: 0] |= 1 << UInt8(index)
            }
        }
        return table
    }()

    /// The lower-case UTF-8 bytes of a word, up to 8 of them, in one integer; longer words are
    /// no function word and have no value.
    private struct PackedWord {
        private var bits: UInt64 = 0
        private var count = 0

        var isEmpty: Bool { count == 0 }
        var value: UInt64? { count <= 8 ? bits : nil }

        mutating func append(_ byte: UInt8) {
            if count < 8 { bits = bits << 8 | UInt64(byte) }
            count += 1
        }

        mutating func reset() { bits = 0; count = 0 }
    }

    /// An ISO 639-1 code, or nil when the text is too short or mixed to tell.
    public static func detect(_ text: String) -> String? {
        var hits = [Int](repeating: 0, count: functionWords.count)
        var words = 0
        var token = PackedWord()
        func endWord() {
            guard !token.isEmpty else { return }
            words += 1
            if let packed = token.value, var languages = languagesOfWord[packed] {
                while languages != 0 {
                    hits[languages.trailingZeroBitCount] += 1
                    languages &= languages - 1
                }
            }
            token.reset()
        }
        // Scalar by scalar, stopping after `wordsRead` words (lowercasing and splitting the
        // whole text first cost more than the rest of tagging on long items).
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let value = UInt8(truncatingIfNeeded: scalar.value)
                if value >= 0x41 && value <= 0x5a {
                    token.append(value | 0x20)
                    continue
                }
                if value >= 0x61 && value <= 0x7a {
                    token.append(value)
                    continue
                }
            } else if scalar.properties.isAlphabetic || scalar.properties.generalCategory == .nonspacingMark {
                for byte in scalar.properties.lowercaseMapping.utf8 { token.append(byte) }
                continue
            }
            endWord()
            if words >= wordsRead { break }
        }
        if words < wordsRead { endWord() }
        let ranked = hits.enumerated().sorted { $0.element > $1.element }
        guard let first = ranked.first, first.element >= 2, first.element >= 2 * ranked[1].element else { return nil }
        return functionWords[first.offset].language
    }
}
