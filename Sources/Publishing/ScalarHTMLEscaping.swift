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
            guard let start = bytes.firstIndex(where: { needsAttention[Int($0)] }) else {
                output.append(contentsOf: bytes)
                return
            }
            output.append(contentsOf: bytes[..<start])
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                guard needsAttention[Int(byte)] else {
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

    private static let needsAttention: [Bool] = (0..<256).map { (byte: Int) -> Bool in
        let value = UInt8(byte)
        let forbiddenControl = value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D
        return forbiddenControl || value == 0x7F || value == 0xEF || "<>&\"'".utf8.contains(value)
    }
    private static let lessThan = Array("&lt;".utf8)
    private static let greaterThan = Array("&gt;".utf8)
    private static let ampersand = Array("&amp;".utf8)
    private static let quote = Array("&quot;".utf8)
    private static let apostrophe = Array("&#39;".utf8)
}
