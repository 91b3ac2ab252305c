/// How every `{{value}}` of our templates is escaped, for HTML and for XML alike.
///
/// Byte by byte over UTF-8, so that a `"` followed by a combining mark (one Character, two
/// scalars) is escaped like any other: a browser reads it as the end of an attribute whatever
/// follows. The control characters that XML 1.0 forbids are dropped (and U+FFFE, U+FFFF), so
/// that an item's text can break neither a page nor an Atom feed.
enum ScalarHTMLEscaping {
    static func escape(_ text: String, into output: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            guard let start = bytes.firstIndex(where: { needsAttention($0) }) else {
                output.append(contentsOf: bytes)
                return
            }
            output.append(contentsOf: bytes[..<start])
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                guard needsAttention(byte) else {
                    output.append(byte)
                    continue
                }
                switch byte {
                case UInt8(ascii: "<"): output.append(contentsOf: lessThan)
                case UInt8(ascii: ">"): output.append(contentsOf: greaterThan)
                case UInt8(ascii: "&"): output.append(contentsOf: ampersand)
                case UInt8(ascii: "\""): output.append(contentsOf: quote)
                case UInt8(ascii: "'"): output.append(contentsOf: apostrophe)
                case 0xEF:
                    // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
                    if index + 1 < bytes.count, bytes[index] == 0xBF, bytes[index + 1] == 0xBE || bytes[index + 1] == 0xBF {
                        index += 2
                    } else {
                        output.append(byte)
                    }
                default: break  // a control character XML forbids
                }
            }
        }
    }

    /// Controls but tab, LF and CR; `<>&"'`; DEL; 0xEF (U+FFFE, U+FFFF). A mask in constants,
    /// not a table in a static: a static is reached through a once-check on every call, and
    /// every value of every page comes through here.
    @inline(__always) private static func needsAttention(_ byte: UInt8) -> Bool {
        let word: UInt64
        switch byte >> 6 {
        case 0: word = 0x500000c4ffffd9ff
        case 1: word = 0x8000000000000000
        case 2: word = 0x0
        default: word = 0x800000000000
        }
        return word & (1 << UInt64(byte & 63)) != 0
    }

    private static let lessThan = Array("&lt;".utf8)
    private static let greaterThan = Array("&gt;".utf8)
    private static let ampersand = Array("&amp;".utf8)
    private static let quote = Array("&quot;".utf8)
    private static let apostrophe = Array("&#39;".utf8)
}
