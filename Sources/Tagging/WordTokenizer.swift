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
        let scanned = scan(text)
        return scanned.ranges.indices.map {
            Word(range: scanned.ranges[$0], folded: String(decoding: scanned.folded[scanned.foldedRanges[$0]], as: UTF8.self))
        }
    }

    /// A text's words: where each is in the text's UTF-8, and its folded form as a slice of one
    /// shared buffer (the matcher looks words up by their bytes; no String per word).
    struct ScannedWords: Equatable {
        var ranges: [Range<Int>] = []
        var foldedRanges: [Range<Int>] = []
        var folded: [UInt8] = []
        /// FNV-1a of each word's folded bytes, computed as they are written.
        var hashes: [UInt64] = []
    }

    static func fnv<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 {
        var hash: UInt64 = fnvBasis
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* fnvPrime }
        return hash
    }

    static let fnvBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// The scanner the matcher uses: the same words as `referenceScan`, written into raw buffers
    /// sized for the worst case (at most one word per two bytes; folding writes at most two
    /// bytes per input byte outside Foundation's rare-script path), so that the hot loop does no
    /// array growth or uniqueness check. A word that Foundation folds longer than the room left
    /// sends the text to `referenceScan`.
    static func scan(_ text: String) -> ScannedWords {
        var text = text
        return text.withUTF8 { bytes -> ScannedWords in asciiFolding.withUnsafeBufferPointer { fold -> ScannedWords in
            let count = bytes.count
            let foldedCapacity = count * 2 + 16
            let wordCapacity = count / 2 + 2
            let folded = UnsafeMutablePointer<UInt8>.allocate(capacity: foldedCapacity)
            let bounds = UnsafeMutablePointer<Int>.allocate(capacity: wordCapacity * 4)
            let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: wordCapacity)
            defer {
                folded.deallocate()
                bounds.deallocate()
                hashes.deallocate()
            }
            var foldedCount = 0, words = 0
            var index = 0
            var start = -1
            var foldedStart = 0
            var needsFoundation = false
            var hash = fnvBasis
            while index <= count {
                var isWordByte = false
                var length = 1
                if index < count {
                    let byte = bytes[index]
                    if byte < 0x80 {
                        let folding = fold[Int(byte)]
                        if folding != 0 {
                            isWordByte = true
                            if start < 0 { start = index; foldedStart = foldedCount; hash = fnvBasis }
                            folded[foldedCount] = folding
                            foldedCount += 1
                            hash = (hash ^ UInt64(folding)) &* fnvPrime
                        }
                    } else {
                        let (scalar, scalarLength) = decode(bytes, at: index)
                        length = scalarLength
                        let base = LatinFolding.packedBase(of: scalar.value)
                        if base != 0 {
                            isWordByte = true
                            if start < 0 { start = index; foldedStart = foldedCount; hash = fnvBasis }
                            folded[foldedCount] = UInt8(truncatingIfNeeded: base)
                            foldedCount += 1
                            hash = (hash ^ UInt64(base & 0xFF)) &* fnvPrime
                            if base > 0xFF {
                                folded[foldedCount] = UInt8(truncatingIfNeeded: base >> 8)
                                foldedCount += 1
                                hash = (hash ^ UInt64(base >> 8)) &* fnvPrime
                            }
                        } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                            isWordByte = true
                            if start < 0 { start = index; foldedStart = foldedCount; hash = fnvBasis }
                            needsFoundation = true
                        }
                    }
                }
                if !isWordByte && start >= 0 {
                    if needsFoundation {
                        let word = Array(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased().utf8)
                        guard foldedStart + word.count <= foldedCapacity - (count - index) * 2 else {
                            return referenceScan(String(decoding: UnsafeBufferPointer(rebasing: bytes[...]), as: UTF8.self))
                        }
                        for (offset, byte) in word.enumerated() { folded[foldedStart + offset] = byte }
                        foldedCount = foldedStart + word.count
                        hash = fnv(word)
                    }
                    bounds[words * 4] = start
                    bounds[words * 4 + 1] = index
                    bounds[words * 4 + 2] = foldedStart
                    bounds[words * 4 + 3] = foldedCount
                    hashes[words] = hash
                    words += 1
                    start = -1
                    needsFoundation = false
                }
                index += length
            }
            var scanned = ScannedWords()
            scanned.ranges = (0..<words).map { bounds[$0 * 4]..<bounds[$0 * 4 + 1] }
            scanned.foldedRanges = (0..<words).map { bounds[$0 * 4 + 2]..<bounds[$0 * 4 + 3] }
            scanned.folded = Array(UnsafeBufferPointer(start: folded, count: foldedCount))
            scanned.hashes = Array(UnsafeBufferPointer(start: hashes, count: words))
            return scanned
        } }
    }

    /// ASCII letters and digits to their folded byte (lower case), 0 for the rest.
    private static let asciiFolding: [UInt8] = (0..<128).map { value -> UInt8 in
        let byte = UInt8(value)
        switch byte {
        case 0x30...0x39, 0x61...0x7A: return byte
        case 0x41...0x5A: return byte | 0x20
        default: return 0
        }
    }

    /// The straightforward scanner, on growing arrays: the definition `scan` must agree with
    /// (a test compares them on the relevance corpus).
    static func referenceScan(_ text: String) -> ScannedWords {
        var text = text
        // Plain local arrays while scanning (no exclusivity or uniqueness checks on a struct's
        // fields in the hot loop), put together at the end.
        var ranges: [Range<Int>] = []
        var foldedRanges: [Range<Int>] = []
        var folded: [UInt8] = []
        var hashes: [UInt64] = []
        text.withUTF8 { bytes in
            folded.reserveCapacity(bytes.count)
            ranges.reserveCapacity(bytes.count / 5)
            foldedRanges.reserveCapacity(bytes.count / 5)
            var index = 0
            var start = -1
            var foldedStart = 0
            var needsFoundation = false
            var hash = fnvBasis
            while index <= bytes.count {
                var isWordByte = false
                var length = 1
                if index < bytes.count {
                    let byte = bytes[index]
                    if byte < 0x80 {
                        let lower = byte | 0x20
                        if (lower >= 0x61 && lower <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                            isWordByte = true
                            if start < 0 { start = index; foldedStart = folded.count; hash = fnvBasis }
                            let folding = byte >= 0x41 && byte <= 0x5A ? lower : byte
                            folded.append(folding)
                            hash = (hash ^ UInt64(folding)) &* fnvPrime
                        }
                    } else {
                        let (scalar, scalarLength) = decode(bytes, at: index)
                        length = scalarLength
                        let base = LatinFolding.packedBase(of: scalar.value)
                        if base != 0 {
                            // Accented Latin letters: by table, no Unicode property lookup.
                            isWordByte = true
                            if start < 0 { start = index; foldedStart = folded.count; hash = fnvBasis }
                            folded.append(UInt8(truncatingIfNeeded: base))
                            hash = (hash ^ UInt64(base & 0xFF)) &* fnvPrime
                            if base > 0xFF {
                                folded.append(UInt8(truncatingIfNeeded: base >> 8))
                                hash = (hash ^ UInt64(base >> 8)) &* fnvPrime
                            }
                        } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                            isWordByte = true
                            if start < 0 { start = index; foldedStart = folded.count; hash = fnvBasis }
                            needsFoundation = true
                        }
                    }
                }
                if !isWordByte && start >= 0 {
                    if needsFoundation {
                        // Rare scripts: Foundation folds the whole word instead.
                        let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
                        folded.removeSubrange(foldedStart...)
                        folded.append(contentsOf: word.utf8)
                        hash = fnv(word.utf8)
                    }
                    hashes.append(hash)
                    ranges.append(start..<index)
                    foldedRanges.append(foldedStart..<folded.count)
                    start = -1
                    needsFoundation = false
                }
                index += length
            }
        }
        return ScannedWords(ranges: ranges, foldedRanges: foldedRanges, folded: folded, hashes: hashes)
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

    /// The same table for U+00C0–U+017F (every letter it holds), as an array: one or two ASCII
    /// bytes packed low byte first, 0 for none. The tokenizer reads it for every accented letter.
    private static let packed: [UInt16] = (0xC0..<0x180).map { value -> UInt16 in
        guard let base = table[UInt32(value)] else { return 0 }
        let bytes = Array(base.utf8)
        return UInt16(bytes[0]) | (bytes.count > 1 ? UInt16(bytes[1]) << 8 : 0)
    }

    static func packedBase(of value: UInt32) -> UInt16 {
        value >= 0xC0 && value < 0x180 ? packed[Int(value - 0xC0)] : 0
    }
}
