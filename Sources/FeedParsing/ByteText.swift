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

    static func contains(_ needle: String, in haystack: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard let head = pattern.first else { return true }
        var utf8 = haystack.utf8[...]
        while let start = utf8.firstIndex(of: head) {
            if utf8[start...].starts(with: pattern) { return true }
            utf8 = utf8[utf8.index(after: start)...]
        }
        return false
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

    static func appendEscaped(_ text: String, attribute: Bool, to output: inout [UInt8]) {
        appendEscaped(text.utf8, attribute: attribute, to: &output)
    }
}
