import CLibXML2
import Foundation

/// Makes the ampersands of a feed acceptable to libxml2 before it reads them, the way browsers
/// and feedparser read the feeds of the wild:
/// - HTML entities XML does not define (`&nbsp;`, `&eacute;`) become character references;
/// - `&#X41;` (upper-case X) becomes `&#x41;`;
/// - a bare `&` (`?a=1&b=2`) or an unknown `&name;` becomes `&amp;`, so its text survives as written.
/// The five XML entities, character references and entities the document declares itself are
/// left alone, and so are CDATA sections, comments, processing instructions and the DOCTYPE.
/// Works on bytes, so it is right for every ASCII-compatible encoding.
enum AmpersandRepair {
    struct Result {
        var data: Data
        /// True when markup errors (bare or unknown ampersands) were repaired, not just entities mapped.
        var repairedErrors: Bool
    }

    private static let xmlEntities: Set<[UInt8]> = [Array("amp".utf8), Array("lt".utf8), Array("gt".utf8),
                                                    Array("quot".utf8), Array("apos".utf8)]

    static func repair(_ data: Data) -> Result {
        guard data.contains(UInt8(ascii: "&")) else { return Result(data: data, repairedErrors: false) }
        return data.withUnsafeBytes { raw -> Result in
            let bytes = raw.bindMemory(to: UInt8.self)
            var output = [UInt8]()
            var changed = false
            var repairedErrors = false
            var copiedUpTo = 0
            var declared: Set<[UInt8]> = []
            var index = 0

            func replace(_ range: Range<Int>, with replacement: [UInt8]) {
                if !changed { output.reserveCapacity(bytes.count + 256); changed = true }
                output.append(contentsOf: bytes[copiedUpTo..<range.lowerBound])
                output.append(contentsOf: replacement)
                copiedUpTo = range.upperBound
            }

            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "<") {
                    // Only "<!" and "<?" open sections to skip; most "<" are plain tags.
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "!") || bytes[index + 1] == UInt8(ascii: "?"),
                       let end = skipSpecialSection(bytes, at: index, declared: &declared) {
                        index = end
                        continue
                    }
                    index += 1
                    continue
                }
                guard byte == UInt8(ascii: "&") else { index += 1; continue }
                let next = index + 1
                if next < bytes.count, bytes[next] == UInt8(ascii: "#") {
                    // Character reference: keep valid ones, fix "&#X", escape broken ones.
                    var cursor = next + 1
                    let hex = cursor < bytes.count && (bytes[cursor] == UInt8(ascii: "x") || bytes[cursor] == UInt8(ascii: "X"))
                    if hex { cursor += 1 }
                    let digitsStart = cursor
                    while cursor < bytes.count, hex ? isHexDigit(bytes[cursor]) : isDigit(bytes[cursor]) { cursor += 1 }
                    if cursor > digitsStart, cursor < bytes.count, bytes[cursor] == UInt8(ascii: ";") {
                        if hex && bytes[next + 1] == UInt8(ascii: "X") {
                            replace((next + 1)..<(next + 2), with: [UInt8(ascii: "x")])
                        }
                    } else {
                        replace(index..<(index + 1), with: Array("&amp;".utf8))
                        repairedErrors = true
                    }
                    index = max(cursor, index + 1)
                    continue
                }
                var end = next
                while end < bytes.count, end - next < 40, isNameByte(bytes[end]) { end += 1 }
                let isReference = end > next && isLetter(bytes[next]) && end < bytes.count && bytes[end] == UInt8(ascii: ";")
                if isReference {
                    let name = Array(bytes[next..<end])
                    if xmlEntities.contains(name) || declared.contains(name) {
                        // fine as it is
                    } else if let code = htmlEntity(name) {
                        replace(index..<(end + 1), with: Array("&#\(code);".utf8))
                    } else {
                        replace(index..<(index + 1), with: Array("&amp;".utf8))
                        repairedErrors = true
                    }
                    index = end + 1
                } else {
                    replace(index..<(index + 1), with: Array("&amp;".utf8))
                    repairedErrors = true
                    index += 1
                }
            }
            guard changed else { return Result(data: data, repairedErrors: false) }
            output.append(contentsOf: bytes[copiedUpTo..<bytes.count])
            return Result(data: Data(output), repairedErrors: repairedErrors)
        }
    }

    /// If a CDATA section, comment, processing instruction or DOCTYPE starts at `index`, the index
    /// just past it (collecting the entity names a DOCTYPE declares); nil otherwise.
    private static func skipSpecialSection(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, declared: inout Set<[UInt8]>) -> Int? {
        func starts(_ literal: String) -> Bool {
            let pattern = Array(literal.utf8)
            guard index + pattern.count <= bytes.count else { return false }
            for (offset, expected) in pattern.enumerated() where bytes[index + offset] != expected { return false }
            return true
        }
        func find(_ literal: String, from start: Int) -> Int {
            // memmem: glibc's is vectorised, and CDATA sections are most of many feeds.
            guard start < bytes.count, let base = bytes.baseAddress else { return bytes.count }
            return literal.utf8.withContiguousStorageIfAvailable { pattern -> Int in
                guard let found = cv_memmem(base + start, bytes.count - start, pattern.baseAddress, pattern.count) else { return bytes.count }
                return UnsafeRawPointer(base).distance(to: found) + pattern.count
            } ?? bytes.count
        }
        if starts("<![CDATA[") { return find("]]>", from: index + 9) }
        if starts("<!--") { return find("-->", from: index + 4) }
        if starts("<?") { return find("?>", from: index + 2) }
        if starts("<!DOCTYPE") {
            // The internal subset, if any, ends at "]>"; collect its entity names.
            var cursor = index + 9
            var bracket = false
            while cursor < bytes.count {
                let b = bytes[cursor]
                if b == UInt8(ascii: "[") { bracket = true }
                if b == UInt8(ascii: ">") && !bracket { return cursor + 1 }
                if b == UInt8(ascii: "]") && bracket {
                    let close = find(">", from: cursor)
                    collectEntityNames(bytes[index..<cursor], into: &declared)
                    return close
                }
                cursor += 1
            }
            return bytes.count
        }
        return nil
    }

    private static func collectEntityNames(_ subset: Slice<UnsafeBufferPointer<UInt8>>, into names: inout Set<[UInt8]>) {
        let text = Array(subset)
        let marker = Array("<!ENTITY".utf8)
        var index = 0
        while index + marker.count < text.count {
            guard text[index..<(index + marker.count)].elementsEqual(marker) else { index += 1; continue }
            var cursor = index + marker.count
            while cursor < text.count, text[cursor] == 0x20 || text[cursor] == 0x09 || text[cursor] == 0x0A || text[cursor] == 0x0D { cursor += 1 }
            let start = cursor
            while cursor < text.count, isNameByte(text[cursor]) { cursor += 1 }
            if cursor > start { names.insert(Array(text[start..<cursor])) }
            index = cursor
        }
    }

    private static func htmlEntity(_ name: [UInt8]) -> UInt32? {
        var terminated = name
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer -> UInt32? in
            guard let entity = htmlEntityLookup(buffer.baseAddress) else { return nil }
            return entity.pointee.value
        }
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isHexDigit(_ b: UInt8) -> Bool { isDigit(b) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66) }
    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    private static func isNameByte(_ b: UInt8) -> Bool {
        isLetter(b) || isDigit(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
    }
}
