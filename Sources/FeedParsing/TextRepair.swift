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
    /// text. French puts a no-break space, a guillemet or a degree sign right after accented
    /// letters: "doué\u{A0}»" is also valid UTF-8 (for "頻"), and so is "É\u{A0}" (for "ɠ"). A
    /// sequence led by a French letter and carrying one of those is text; "Î©" (Ω), "ä¸\u{AD}"
    /// (中) and the byte-order mark "ï»¿" are still repaired.
    static func looksMisread(_ utf8: [UInt8]) -> Bool {
        var index = 0
        while index < utf8.count {
            let lead = utf8[index]
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            let continuations = utf8[(index + 1)..<min(utf8.count, index + length)]
            let isByteOrderMark = lead == 0xEF && continuations.elementsEqual([0xBB, 0xBF])
            if !isByteOrderMark, frenchLetters.contains(lead), continuations.contains(where: frenchTypography.contains) {
                return false
            }
            index += length
        }
        return true
    }

    /// À Ç È É Ê Ë Î Ï Ô Ù Û Ü and à â ç è é ê ë î ï ô ù û ü, as Latin-1 bytes. Not Â: "Â«",
    /// "Â°" and "Â" before a no-break space are how «, ° and the no-break space look misread.
    private static let frenchLetters: Set<UInt8> = [0xC0, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xCE, 0xCF, 0xD4, 0xD9, 0xDB, 0xDC,
                                                    0xE0, 0xE2, 0xE7, 0xE8, 0xE9, 0xEA, 0xEB, 0xEE, 0xEF, 0xF4, 0xF9, 0xFB, 0xFC]
    /// No-break space, «, », °.
    private static let frenchTypography: Set<UInt8> = [0xA0, 0xAB, 0xBB, 0xB0]

    /// Only a C1 control (C2 80–9F), or a UTF-8 lead byte read as Latin-1 (C3 82–B4) followed by
    /// a continuation byte read as Latin-1 (C2 A0–BF), can need repair (see `looksMisread`).
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
            // A continuation read as Latin-1, right after a lead read as Latin-1 (C3 82–B4), unless
            // it is French typography after a French letter (see `looksMisread`).
            if index >= 2, buffer[index - 2] == 0xC3, (0x82...0xB4).contains(buffer[index - 1]) {
                let lead = buffer[index - 1] + 0x40, continuation = buffer[index + 1]
                let isText = frenchLetters.contains(lead) && frenchTypography.contains(continuation)
                if !isText || (lead == 0xEF && continuation == 0xBB) { return true }
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
