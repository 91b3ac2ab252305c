import CLibXML2
import Foundation

/// libxml2 2.9 checks attribute names for duplicates in quadratic time: one element with 40,000
/// attributes (under 400 KB) takes seconds in the XML reader and in the HTML parser alike, out of
/// reach of any time check between nodes. No real feed comes near, so a tag with more than
/// `limit` attributes, or longer than `maxTagBytes`, is refused before libxml2 sees it.
///
/// Errs on the side of seeing tags: anything after "<" that is not "/", "!", "?" or white space
/// opens one (so `<_x`, `<:x` and non-ASCII names count), an attribute starts after white space
/// or right after a closing quote, and quotes only matter inside a tag.
enum AttributeFlood {
    static let limit = 256
    static let maxTagBytes = 64 << 10

    /// - Parameter skipSections: XML documents: CDATA sections, comments and processing
    ///   instructions hold no tags (the HTML inside CDATA is checked as a fragment later).
    static func isPresent(_ bytes: UnsafeRawBufferPointer, skipSections: Bool = false) -> Bool {
        var inTag = false
        var quote: UInt8 = 0
        var attributeMayStart = false
        var attributes = 0
        var tagStart = 0
        var index = 0
        let count = bytes.count
        guard let base = bytes.baseAddress else { return false }
        while index < count {
            if !inTag {
                // Outside tags only "<" matters: memchr (vectorised) finds the next one.
                guard let found = memchr(base + index, 0x3C, count - index) else { return false }
                index = base.distance(to: UnsafeRawPointer(found))
            }
            let byte = bytes[index]
            index += 1
            if !inTag {
                guard byte == 0x3C, index < count else { continue }  // <
                let next = bytes[index]
                if skipSections, next == 0x21 || next == 0x3F, let end = sectionEnd(bytes, at: index - 1) {
                    index = end
                    continue
                }
                if next == 0x21 || next == 0x3F || next == 0x2F || next == 0x3C || next <= 0x20 { continue }  // ! ? / < space
                inTag = true
                attributes = 0
                attributeMayStart = false
                tagStart = index
                continue
            }
            if index - tagStart > maxTagBytes { return true }
            if quote != 0 {
                if byte == quote {
                    quote = 0
                    attributeMayStart = true  // <p a="x"b="y">: HTML parsers take b as an attribute
                }
                continue
            }
            switch byte {
            case 0x22, 0x27:  // " '
                quote = byte
                attributeMayStart = false
            case 0x3E:  // >
                inTag = false
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                attributeMayStart = true
            case 0x3D, 0x2F:  // = /
                attributeMayStart = false
            default:
                if attributeMayStart {
                    attributes += 1
                    if attributes > limit { return true }
                }
                attributeMayStart = false
            }
        }
        return false
    }

    /// Just past the CDATA section, comment or processing instruction starting at `start`.
    private static func sectionEnd(_ bytes: UnsafeRawBufferPointer, at start: Int) -> Int? {
        func starts(_ literal: StaticString) -> Bool {
            let length = literal.utf8CodeUnitCount
            guard start + length <= bytes.count else { return false }
            return (0..<length).allSatisfy { bytes[start + $0] == literal.utf8Start[$0] }
        }
        func find(_ terminator: StaticString, from: Int) -> Int {
            guard from < bytes.count, let base = bytes.baseAddress,
                  let found = cv_memmem(base + from, bytes.count - from, terminator.utf8Start, terminator.utf8CodeUnitCount)
            else { return bytes.count }
            return base.distance(to: UnsafeRawPointer(found)) + terminator.utf8CodeUnitCount
        }
        if starts("<![CDATA[") { return find("]]>", from: start + 9) }
        if starts("<!--") { return find("-->", from: start + 4) }
        if starts("<?") { return find("?>", from: start + 2) }
        return nil
    }
}
