/// Repairs the two encoding accidents feeds most often carry in their text:
/// - UTF-8 read as Latin-1 ("â€¦" or "Ã©" for "…" or "é"): a run of U+0080–U+00FF characters
///   whose Latin-1 bytes form valid multi-byte UTF-8 is decoded again, when it looks like such an
///   accident rather than French text (`looksMisread`);
/// - windows-1252 read as Latin-1 ("don\u{92}t"): the C1 controls U+0080–U+009F, which no text
///   means, become the windows-1252 characters they stand for (’, “, €…).
import Foundation

enum TextRepair {
    static func repair(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard mayNeedRepair(bytes) else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var changed = false
        var index = 0
        while index < bytes.count {
            // A run of characters U+0080–U+00FF, each two bytes (C2 or C3, then one).
            var end = index
            var latin1: [UInt8] = []
            while end + 1 < bytes.count, bytes[end] == 0xC2 || bytes[end] == 0xC3 {
                latin1.append(bytes[end] == 0xC2 ? bytes[end + 1] : bytes[end + 1] + 0x40)
                end += 2
            }
            guard end > index else {
                output.append(bytes[index])
                index += 1
                continue
            }
            if latin1.count >= 2, String(validating: latin1, as: UTF8.self) != nil, looksMisread(latin1) {
                output.append(contentsOf: latin1)  // was UTF-8 read as Latin-1: these bytes are the text
                changed = true
            } else {
                for value in latin1 {
                    if let mapped = windows1252[UInt32(value)] {
                        output.append(contentsOf: String(mapped).utf8)
                        changed = true
                    } else {
                        output.append(contentsOf: String(Unicode.Scalar(value)).utf8)
                    }
                }
            }
            index = end
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    /// Whether valid UTF-8 made of Latin-1 characters is more likely UTF-8 read as Latin-1 than
    /// text. French writes a capital with an accent before a no-break space or a guillemet
    /// ("É\u{A0}»" is also valid UTF-8, for "ɠ»"), and "é\u{A0}»" is valid UTF-8 for "頻"; a
    /// misread three- or four-byte sequence nearly always has a C1 control second (the second
    /// byte of "’", "…", "€" and of emoji is 80–9F).
    static func looksMisread(_ utf8: [UInt8]) -> Bool {
        var index = 0
        while index < utf8.count {
            let lead = utf8[index]
            switch lead {
            case 0xC0...0xDF:
                if frenchCapitals.contains(lead) { return false }
                index += 2
            case 0xE0...0xEF:
                guard index + 1 < utf8.count, utf8[index + 1] < 0xA0 else { return false }
                index += 3
            default:
                guard index + 1 < utf8.count, utf8[index + 1] < 0xA0 else { return false }
                index += 4
            }
        }
        return true
    }

    /// Ç È É Ê Ë Î Ï Ô Ù Û Ü: as two-byte leads they would stand for rare letters (U+01C0–U+06FF).
    private static let frenchCapitals: Set<UInt8> = [0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xCE, 0xCF, 0xD4, 0xD9, 0xDB, 0xDC]

    /// Only a C1 control (C2 80–9F), or a two-byte UTF-8 lead read as Latin-1 (C3 82–9F) followed
    /// by a continuation byte read as Latin-1 (C2 A0–BF), can need repair (see `looksMisread`).
    /// French typography ("«\u{A0}", "é", "santé\u{A0}»") does not trigger the full pass.
    static func mayNeedRepair<Bytes: Collection<UInt8>>(_ utf8: Bytes) -> Bool where Bytes.Index == Int {
        if let answer = utf8.withContiguousStorageIfAvailable(mayNeedRepair) { return answer }
        return mayNeedRepair(Array(utf8))
    }

    /// Both cases hold a C2 byte, which in valid UTF-8 always starts a character: memchr
    /// (vectorised) goes from one to the next, and only its neighbours are looked at.
    private static func mayNeedRepair(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buffer.baseAddress else { return false }
        var position = 0
        while position < buffer.count, let found = memchr(base + position, 0xC2, buffer.count - position) {
            let index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
            guard index + 1 < buffer.count else { return false }
            if buffer[index + 1] < 0xA0 { return true }  // a C1 control
            // A continuation read as Latin-1, right after a two-byte lead read as Latin-1.
            if index >= 2, buffer[index - 2] == 0xC3, (0x82...0x9F).contains(buffer[index - 1]),
               !frenchCapitals.contains(buffer[index - 1] + 0x40) {
                return true
            }
            position = index + 2
        }
        return false
    }

    private static let windows1252: [UInt32: Unicode.Scalar] = [
        0x80: "\u{20AC}", 0x82: "\u{201A}", 0x83: "\u{0192}", 0x84: "\u{201E}", 0x85: "\u{2026}", 0x86: "\u{2020}",
        0x87: "\u{2021}", 0x88: "\u{02C6}", 0x89: "\u{2030}", 0x8A: "\u{0160}", 0x8B: "\u{2039}", 0x8C: "\u{0152}",
        0x8E: "\u{017D}", 0x91: "\u{2018}", 0x92: "\u{2019}", 0x93: "\u{201C}", 0x94: "\u{201D}", 0x95: "\u{2022}",
        0x96: "\u{2013}", 0x97: "\u{2014}", 0x98: "\u{02DC}", 0x99: "\u{2122}", 0x9A: "\u{0161}", 0x9B: "\u{203A}",
        0x9C: "\u{0153}", 0x9E: "\u{017E}", 0x9F: "\u{0178}",
    ]

    /// `&#146;` and the other references to C1 controls, as windows-1252 writers emit them, become
    /// references to the characters they mean, before an HTML parser sees them.
    static func repairC1References(_ html: String) -> String {
        guard ByteText.contains("&#1", in: html) else { return html }
        var result = html
        for (code, scalar) in windows1252 {
            let reference = "&#\(code);"
            if ByteText.contains(reference, in: result) {
                result = result.replacingOccurrences(of: reference, with: "&#\(scalar.value);")
            }
        }
        return result
    }
}
