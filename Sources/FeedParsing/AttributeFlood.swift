/// libxml2 2.9 checks attribute names for duplicates in quadratic time: one element with 40,000
/// attributes (under 400 KB) takes seconds in the XML reader and in the HTML parser alike, out of
/// reach of any time check between nodes. No real feed comes near, so anything that looks like a
/// tag with more than `limit` attributes is refused before libxml2 sees it.
enum AttributeFlood {
    static let limit = 256

    /// True when some tag-like run `<name …>` holds more than `limit` attribute names.
    static func isPresent(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var inTag = false
        var quote: UInt8 = 0
        var afterSpace = false
        var attributes = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            index += 1
            if !inTag {
                if byte == 0x3C, index < count, (bytes[index] | 0x20) >= 0x61 && (bytes[index] | 0x20) <= 0x7A {
                    inTag = true
                    attributes = 0
                    afterSpace = false
                }
                continue
            }
            if quote != 0 {
                if byte == quote { quote = 0 }
                continue
            }
            switch byte {
            case 0x22, 0x27:  // " '
                quote = byte
                afterSpace = false
            case 0x3E:  // >
                inTag = false
            case 0x20, 0x09, 0x0A, 0x0D:
                afterSpace = true
            case 0x3D:  // = : the value follows, not a new name
                afterSpace = false
            default:
                if afterSpace && byte != 0x2F {
                    attributes += 1
                    if attributes > limit { return true }
                }
                afterSpace = false
            }
        }
        return false
    }
}
