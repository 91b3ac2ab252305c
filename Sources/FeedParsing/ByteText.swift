import CLibXML2
import Foundation

/// Byte-level text helpers for the parser's hot paths, where Foundation's String methods (which
/// bridge through NSString on Linux) cost more than the parsing itself.
enum ByteText {
    static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0C
    }

    static func trimmingASCIIWhitespace(_ s: String) -> String {
        let utf8 = s.utf8
        guard let first = utf8.first, let last = utf8.last,
              isASCIIWhitespace(first) || isASCIIWhitespace(last) else { return s }
        guard let start = utf8.firstIndex(where: { !isASCIIWhitespace($0) }),
              let end = utf8.lastIndex(where: { !isASCIIWhitespace($0) }) else { return "" }
        return String(s[start...end])
    }

    /// `s` without leading and trailing white space (Unicode's), copying only when there is some.
    static func trimmed(_ s: String) -> String {
        let utf8 = s.utf8
        // Most values start and end with an ASCII letter or digit: no Unicode property lookup.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 { return s }
        let scalars = s.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return s }
        guard first.properties.isWhitespace || last.properties.isWhitespace else { return s }
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }

    /// Byte offsets of the first occurrence of an ASCII `needle`, ignoring ASCII case.
    static func range(ofASCIICaseInsensitive needle: String, in haystack: String) -> Range<Int>? {
        let pattern = Array(needle.lowercased().utf8)
        let bytes = Array(haystack.utf8)
        guard bytes.count >= pattern.count, let head = pattern.first else { return nil }
        var index = 0
        while index + pattern.count <= bytes.count {
            if bytes[index] | 0x20 == head | 0x20 {
                var matched = true
                for offset in 1..<pattern.count where bytes[index + offset] | 0x20 != pattern[offset] | 0x20 {
                    matched = false
                    break
                }
                if matched { return index..<(index + pattern.count) }
            }
            index += 1
        }
        return nil
    }

    /// The offset of the first `needle` at or after `start`: memchr (vectorised) to its byte at
    /// `anchor`, then a comparison. With the needle's rarest byte as anchor ("[" of "<![CDATA[")
    /// this reads a feed several times faster than memmem, whose search is not vectorised.
    static func find(_ needle: StaticString, anchor: Int = 0, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, start >= 0 else { return nil }
        let length = needle.utf8CodeUnitCount
        let pattern = needle.utf8Start
        var cursor = start + anchor
        while cursor < bytes.count, let hit = memchr(base + cursor, Int32(pattern[anchor]), bytes.count - cursor) {
            let found = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
            let at = found - anchor
            if at + length <= bytes.count, memcmp(base + at, pattern, length) == 0 { return at }
            cursor = found + 1
        }
        return nil
    }

    /// memchr (vectorised) to the needle's first byte, then a comparison: for the short needles
    /// used here this beats memmem, whose setup costs more than the search.
    static func contains(_ needle: String, in haystack: String) -> Bool {
        var haystack = haystack
        return haystack.withUTF8 { contains(needle, in: $0) }
    }

    static func contains(_ needle: String, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var needle = needle
        return needle.withUTF8 { pattern in
            guard let first = pattern.first else { return true }
            guard let base = bytes.baseAddress, bytes.count >= pattern.count else { return false }
            var offset = 0
            let last = bytes.count - pattern.count
            while offset <= last {
                guard let found = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
                let index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                if memcmp(base + index, pattern.baseAddress!, pattern.count) == 0 { return true }
                offset = index + 1
            }
            return false
        }
    }

    /// Runs of white space (ASCII, and the Unicode spaces feeds use: NBSP, thin and em spaces,
    /// line separators, ideographic space) become one space; leading and trailing ones go; the
    /// invisible characters of `InvisibleCharacters.isRemoved` and stray controls are dropped.
    /// Works on bytes: a space followed by a zero-width joiner is one Character, and the joiner
    /// must survive.
    static func collapsingWhitespace(_ s: String) -> String {
        var copy = s
        return copy.withUTF8 { bytes -> String in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count)
            var pendingSpace = false
            var changed = false
            var index = 0
            while index < bytes.count {
                let width = whitespaceWidth(bytes, at: index)
                if width > 0 {
                    if !pendingSpace && !output.isEmpty && width == 1 && bytes[index] == 0x20 {
                        // a single plain space: kept unless more white space follows
                    } else {
                        changed = true
                    }
                    pendingSpace = !output.isEmpty
                    index += width
                    continue
                }
                let invisible = invisibleWidth(bytes, at: index)
                if invisible > 0 {
                    changed = true
                    index += invisible
                    continue
                }
                if pendingSpace { output.append(0x20) }
                pendingSpace = false
                output.append(bytes[index])
                index += 1
            }
            if !changed && output.count == bytes.count { return s }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Byte length of the character at `index` when it is one `InvisibleCharacters.isRemoved`
    /// names, or a control other than white space; else 0.
    static func invisibleWidth(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = bytes[index]
        if byte < 0x80 { return byte < 0x20 || byte == 0x7F ? 1 : 0 }  // white space was taken before
        let remaining = bytes.count - index
        switch byte {
        case 0xC2 where remaining >= 2:
            return (0x80...0x9F).contains(bytes[index + 1]) && bytes[index + 1] != 0x85 ? 2 : 0  // C1 controls
        case 0xE1 where remaining >= 3:
            return bytes[index + 1] == 0xA0 && bytes[index + 2] == 0x8E ? 3 : 0  // U+180E
        case 0xE2 where remaining >= 3:
            let second = bytes[index + 1], third = bytes[index + 2]
            if second == 0x80 { return third == 0x8B || (0xAA...0xAE).contains(third) ? 3 : 0 }
            if second == 0x81 { return (0xA0...0xA4).contains(third) || (0xA6...0xA9).contains(third) ? 3 : 0 }
            return 0
        case 0xEF where remaining >= 3:
            let second = bytes[index + 1], third = bytes[index + 2]
            return (second == 0xBB && third == 0xBF) || (second == 0xBF && (0xB9...0xBB).contains(third)) ? 3 : 0
        case 0xF3 where remaining >= 4:
            // Tags U+E0000–E007F (F3 A0 80–81 xx), variation selectors U+E0100–E01EF (F3 A0 84–87 xx).
            return bytes[index + 1] == 0xA0 && ((0x80...0x81).contains(bytes[index + 2]) || (0x84...0x87).contains(bytes[index + 2])) ? 4 : 0
        default:
            return 0
        }
    }

    /// Byte length of the white-space character at `index`, 0 if there is none.
    private static func whitespaceWidth(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = bytes[index]
        if byte < 0x80 { return (byte >= 0x09 && byte <= 0x0D) || byte == 0x20 ? 1 : 0 }
        let remaining = bytes.count - index
        switch byte {
        case 0xC2 where remaining >= 2:
            return bytes[index + 1] == 0xA0 || bytes[index + 1] == 0x85 ? 2 : 0
        case 0xE1 where remaining >= 3:
            return bytes[index + 1] == 0x9A && bytes[index + 2] == 0x80 ? 3 : 0  // U+1680
        case 0xE2 where remaining >= 3:
            let second = bytes[index + 1], third = bytes[index + 2]
            if second == 0x80 && (third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF) { return 3 }
            return second == 0x81 && third == 0x9F ? 3 : 0  // U+205F
        case 0xE3 where remaining >= 3:
            return bytes[index + 1] == 0x80 && bytes[index + 2] == 0x80 ? 3 : 0  // U+3000
        default:
            return 0
        }
    }

    /// Appends `text` escaped for HTML: &, <, > always, " too inside attribute values.
    static func appendEscaped<Bytes: Sequence>(_ text: Bytes, attribute: Bool, to output: inout [UInt8]) where Bytes.Element == UInt8 {
        for byte in text {
            switch byte {
            case UInt8(ascii: "&"): output.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])  // &amp;
            case UInt8(ascii: "<"): output.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])  // &lt;
            case UInt8(ascii: ">"): output.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])  // &gt;
            case UInt8(ascii: "\"") where attribute: output.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])  // &quot;
            default: output.append(byte)
            }
        }
    }

    /// Text content: runs without &, < or > are copied whole.
    static func appendEscapedText(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        // Most runs need no escape at all: three vectorised searches beat a byte-by-byte look.
        if let base = text.baseAddress, memchr(base, 0x3C, text.count) == nil, memchr(base, 0x26, text.count) == nil,
           memchr(base, 0x3E, text.count) == nil {
            output.append(contentsOf: text)
            return
        }
        var runStart = 0
        for index in 0..<text.count {
            let byte = text[index]
            guard byte == 0x26 || byte == 0x3C || byte == 0x3E else { continue }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index]))
            switch byte {
            case 0x26: output.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])
            case 0x3C: output.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])
            default: output.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])
            }
            runStart = index + 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<text.count]))
    }

    static func appendEscaped(_ text: String, attribute: Bool, to output: inout [UInt8]) {
        appendEscaped(text.utf8, attribute: attribute, to: &output)
    }
}
