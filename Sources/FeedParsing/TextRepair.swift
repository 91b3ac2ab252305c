/// Repairs the two encoding accidents feeds most often carry in their text:
/// - UTF-8 read as Latin-1 ("â€¦" or "Ã©" for "…" or "é"): a run of U+0080–U+00FF characters
///   whose Latin-1 bytes form valid multi-byte UTF-8 is decoded again;
/// - windows-1252 read as Latin-1 ("don\u{92}t"): the C1 controls U+0080–U+009F, which no text
///   means, become the windows-1252 characters they stand for (’, “, €…).
import Foundation

enum TextRepair {
    static func repair(_ text: String) -> String {
        // Every character in U+0080–U+00FF is 0xC2 or 0xC3 followed by one byte in UTF-8.
        guard text.utf8.contains(where: { $0 == 0xC2 || $0 == 0xC3 }) else { return text }
        var scalars = Array(text.unicodeScalars)
        var changed = false
        var index = 0
        while index < scalars.count {
            guard (0x80...0xFF).contains(scalars[index].value) else { index += 1; continue }
            var end = index
            while end < scalars.count, (0x80...0xFF).contains(scalars[end].value) { end += 1 }
            if end - index >= 2 {
                let bytes = scalars[index..<end].map { UInt8($0.value) }
                if let decoded = String(validating: bytes, as: UTF8.self) {
                    scalars.replaceSubrange(index..<end, with: decoded.unicodeScalars)
                    changed = true
                    index += decoded.unicodeScalars.count
                    continue
                }
            }
            index = end
        }
        for position in scalars.indices where (0x80...0x9F).contains(scalars[position].value) {
            if let mapped = windows1252[scalars[position].value] {
                scalars[position] = mapped
                changed = true
            }
        }
        guard changed else { return text }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
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
        guard html.contains("&#1") else { return html }
        var result = html
        for (code, scalar) in windows1252 {
            let reference = "&#\(code);"
            if result.contains(reference) {
                result = result.replacingOccurrences(of: reference, with: "&#\(scalar.value);")
            }
        }
        return result
    }
}
