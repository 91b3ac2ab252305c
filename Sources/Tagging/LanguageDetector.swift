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

    /// An ISO 639-1 code, or nil when the text is too short or mixed to tell.
    public static func detect(_ text: String) -> String? {
        var hits = [Int](repeating: 0, count: functionWords.count)
        var words = 0
        var token = ""
        func endWord() {
            guard !token.isEmpty else { return }
            words += 1
            for (index, entry) in functionWords.enumerated() where entry.words.contains(token) { hits[index] += 1 }
            token.removeAll(keepingCapacity: true)
        }
        // Scalar by scalar, stopping after `wordsRead` words (lowercasing and splitting the
        // whole text first cost more than the rest of tagging on long items).
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let value = scalar.value
                if (0x41...0x5a).contains(value) {
                    token.unicodeScalars.append(Unicode.Scalar(value + 0x20)!)
                    continue
                }
                if (0x61...0x7a).contains(value) {
                    token.unicodeScalars.append(scalar)
                    continue
                }
            } else if scalar.properties.isAlphabetic || scalar.properties.generalCategory == .nonspacingMark {
                token += scalar.properties.lowercaseMapping
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
