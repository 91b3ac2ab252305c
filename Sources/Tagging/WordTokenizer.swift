import Foundation

/// Splits text into words (runs of letters and digits) and folds each for matching: lowercase,
/// accents removed. Punctuation, apostrophes and hyphens separate words. Works on UTF-8 bytes:
/// ASCII is handled inline and accented Latin letters by table, so only rare scripts pay for
/// Unicode property lookups and Foundation's folding.
struct WordTokenizer {
    struct Word {
        /// Byte offsets in the text's UTF-8.
        var range: Range<Int>
        var folded: String
    }

    static func words(in text: String) -> [Word] {
        var text = text
        return text.withUTF8 { bytes in
            var words: [Word] = []
            var index = 0
            var start: Int?
            var folded: [UInt8] = []
            var needsFoundation = false
            func close(at end: Int) {
                guard let wordStart = start else { return }
                let word = needsFoundation
                    ? String(decoding: bytes[wordStart..<end], as: UTF8.self).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
                    : String(decoding: folded, as: UTF8.self)
                words.append(Word(range: wordStart..<end, folded: word))
                start = nil
                folded.removeAll(keepingCapacity: true)
                needsFoundation = false
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x80 {
                    let lower = byte | 0x20
                    if (lower >= 0x61 && lower <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                        if start == nil { start = index }
                        folded.append(byte >= 0x41 && byte <= 0x5A ? lower : byte)
                    } else {
                        close(at: index)
                    }
                    index += 1
                    continue
                }
                let (scalar, length) = decode(bytes, at: index)
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                    if start == nil { start = index }
                    if let base = LatinFolding.base(of: scalar) {
                        folded.append(contentsOf: base.utf8)
                    } else {
                        needsFoundation = true
                    }
                } else {
                    close(at: index)
                }
                index += length
            }
            close(at: bytes.count)
            return words
        }
    }

    /// The text as case-sensitive rules compare it: accents removed, case kept.
    static func unaccented(_ text: Substring) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return String(text) }
        return text.folding(options: [.diacriticInsensitive], locale: nil)
    }

    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[index]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard index + length <= bytes.count, length > 1 else { return (Unicode.Scalar(0xFFFD)!, 1) }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length { value = value << 6 | (UInt32(bytes[index + offset]) & 0x3F) }
        return (Unicode.Scalar(value) ?? Unicode.Scalar(0xFFFD)!, length)
    }
}

/// Accented Latin letters of French, German and their neighbours, to their base letters (lower case).
enum LatinFolding {
    private static let table: [UInt32: String] = {
        var table: [UInt32: String] = [:]
        let groups: [(String, String)] = [
            ("àáâãäåÀÁÂÃÄÅāĀ", "a"), ("çÇćĆčČ", "c"), ("èéêëÈÉÊËēĒęĘěĚ", "e"), ("ìíîïÌÍÎÏīĪ", "i"), ("ñÑńŃ", "n"),
            ("òóôõöøÒÓÔÕÖØōŌ", "o"), ("ùúûüÙÚÛÜūŪůŮ", "u"), ("ýÿÝŸ", "y"), ("šŠśŚ", "s"), ("žŽźŹżŻ", "z"), ("łŁ", "l"),
            ("ďĎ", "d"), ("ťŤ", "t"), ("řŘ", "r"), ("ğĞ", "g"),
        ]
        for (letters, base) in groups { for scalar in letters.unicodeScalars { table[scalar.value] = base } }
        table[0xE6] = "ae"; table[0xC6] = "ae"; table[0x153] = "oe"; table[0x152] = "oe"; table[0xDF] = "ss"
        return table
    }()

    static func base(of scalar: Unicode.Scalar) -> String? { table[scalar.value] }
}
