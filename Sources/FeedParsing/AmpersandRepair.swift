import CLibXML2
import Foundation

/// Makes the ampersands of a feed acceptable to libxml2 as it reads them, the way browsers and
/// feedparser read the feeds of the wild:
/// - HTML entities XML does not define (`&nbsp;`, `&eacute;`) become character references;
/// - `&#X41;` (upper-case X) becomes `&#x41;`;
/// - a bare `&` (`?a=1&b=2`) or an unknown `&name;` becomes `&amp;`, so its text survives as written.
/// The five XML entities, character references and entities the document declares itself are
/// left alone, and so are CDATA sections, comments, processing instructions and the DOCTYPE.
///
/// It is libxml2's input: the reader pulls repaired bytes chunk by chunk, so the document is
/// never copied. Works on bytes, so it is right for every ASCII-compatible encoding.
final class AmpersandRepair {
    private static let xmlEntities: Set<[UInt8]> = [Array("amp".utf8), Array("lt".utf8), Array("gt".utf8),
                                                    Array("quot".utf8), Array("apos".utf8)]
    private static let escapedAmpersand = Array("&amp;".utf8)

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// Bytes before this index are copied as they are (inside a section being skipped).
    private var verbatimUntil = 0
    private var replacement: [UInt8] = []
    private var replacementOffset = 0
    private var declared: Set<[UInt8]> = []
    /// True once a markup error (a bare or unknown ampersand) was repaired, not just an entity mapped.
    private(set) var repairedErrors = false

    /// `bytes` must outlive the reading.
    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes.bindMemory(to: UInt8.self)
    }

    /// Fills `buffer` with up to `capacity` repaired bytes; 0 at the end.
    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        var written = 0
        while written < capacity {
            if replacementOffset < replacement.count {
                let count = min(replacement.count - replacementOffset, capacity - written)
                for offset in 0..<count { buffer[written + offset] = replacement[replacementOffset + offset] }
                replacementOffset += count
                written += count
                continue
            }
            guard position < bytes.count else { break }
            if position < verbatimUntil {
                written += copy(upTo: verbatimUntil, into: buffer + written, capacity: capacity - written)
                continue
            }
            // The next byte that may need attention; everything before it is copied as is.
            var next = position
            while next < bytes.count && bytes[next] != UInt8(ascii: "&") && bytes[next] != UInt8(ascii: "<") { next += 1 }
            if next > position {
                written += copy(upTo: next, into: buffer + written, capacity: capacity - written)
                continue
            }
            if bytes[position] == UInt8(ascii: "<") {
                if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "!") || bytes[position + 1] == UInt8(ascii: "?"),
                   let end = Self.skipSpecialSection(bytes, at: position, declared: &declared) {
                    verbatimUntil = end
                } else {
                    verbatimUntil = position + 1
                }
                continue
            }
            handleAmpersand()
        }
        return written
    }

    private func copy(upTo end: Int, into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        let count = min(end - position, capacity)
        (buffer).update(from: bytes.baseAddress! + position, count: count)
        position += count
        return count
    }

    /// At an "&": decides what it becomes, and sets `replacement` or lets it through verbatim.
    private func handleAmpersand() {
        let index = position
        let next = index + 1
        if next < bytes.count, bytes[next] == UInt8(ascii: "#") {
            var cursor = next + 1
            let hex = cursor < bytes.count && (bytes[cursor] == UInt8(ascii: "x") || bytes[cursor] == UInt8(ascii: "X"))
            if hex { cursor += 1 }
            let digitsStart = cursor
            while cursor < bytes.count, hex ? Self.isHexDigit(bytes[cursor]) : Self.isDigit(bytes[cursor]) { cursor += 1 }
            if cursor > digitsStart, cursor < bytes.count, bytes[cursor] == UInt8(ascii: ";") {
                if hex && bytes[next + 1] == UInt8(ascii: "X") {
                    replace(upTo: cursor + 1, with: Array("&#x".utf8) + Array(bytes[digitsStart...cursor]))
                } else {
                    verbatimUntil = cursor + 1
                }
            } else {
                replace(upTo: index + 1, with: Self.escapedAmpersand)
                repairedErrors = true
            }
            return
        }
        if let length = Self.xmlEntityLength(bytes, at: index) {
            verbatimUntil = index + length
            return
        }
        var end = next
        while end < bytes.count, end - next < 40, Self.isNameByte(bytes[end]) { end += 1 }
        let isReference = end > next && Self.isLetter(bytes[next]) && end < bytes.count && bytes[end] == UInt8(ascii: ";")
        guard isReference else {
            replace(upTo: index + 1, with: Self.escapedAmpersand)
            repairedErrors = true
            return
        }
        let name = Array(bytes[next..<end])
        if Self.xmlEntities.contains(name) || declared.contains(name) {
            verbatimUntil = end + 1
        } else if let code = Self.htmlEntity(name) {
            replace(upTo: end + 1, with: Array("&#\(code);".utf8))
        } else {
            replace(upTo: index + 1, with: Self.escapedAmpersand)
            repairedErrors = true
        }
    }

    private func replace(upTo end: Int, with bytes: [UInt8]) {
        replacement = bytes
        replacementOffset = 0
        position = end
    }

    /// Whether the document needs this at all: libxml2 reads the bytes directly otherwise. Every
    /// feed has ampersands (escaped HTML is made of `&lt;`), so only those that are not already
    /// XML count: anything but the five entities and character references with a lower-case x,
    /// outside CDATA sections. (Erring towards yes costs a copy, never a wrong repair.)
    static func isNeeded(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        let buffer = UnsafeBufferPointer(start: base, count: bytes.count)
        var sections = CDATASections(buffer)
        var cdata = sections.next(from: 0)
        var position = 0
        while position < buffer.count, let found = memchr(base + position, 0x26, buffer.count - position) {
            let ampersand = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
            while let section = cdata, section.upperBound <= ampersand { cdata = sections.next(from: section.upperBound) }
            if let section = cdata, section.contains(ampersand) {
                position = section.upperBound
                continue
            }
            guard isXMLReference(buffer, at: ampersand) else { return true }
            position = ampersand + 1
        }
        return false
    }

    /// The `<![CDATA[ … ]]>` sections of a document in order (the last one to the end when it is
    /// not closed). One written inside a comment is no section, and is passed over with its
    /// comment. The next comment is remembered, so a document of many sections and no comment
    /// is searched for "<!--" once, not once per section.
    private struct CDATASections {
        let bytes: UnsafeBufferPointer<UInt8>
        /// The first comment at or after `commentSearchedFrom`; nil when there is none.
        private var comment: Range<Int>?
        private var commentSearchedFrom = Int.max

        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func next(from start: Int) -> Range<Int>? {
            var from = start
            while let section = find("<![CDATA[", anchor: 2, until: "]]>", in: bytes, from: from) {
                guard let comment = nextComment(from: from), comment.lowerBound < section.lowerBound else { return section }
                from = comment.upperBound
            }
            return nil
        }

        private mutating func nextComment(from start: Int) -> Range<Int>? {
            let stillAhead = start >= commentSearchedFrom && (comment.map { $0.lowerBound >= start } ?? true)
            if !stillAhead {
                comment = find("<!--", anchor: 1, until: "-->", in: bytes, from: start)
                commentSearchedFrom = start
            }
            return comment
        }
    }

    /// From the next `open` to just past the `close` after it (or to the end); each found by
    /// memchr on its byte at `anchor` (see `ByteText.find`).
    private static func find(_ open: StaticString, anchor: Int, until close: StaticString, in bytes: UnsafeBufferPointer<UInt8>,
                             from start: Int) -> Range<Int>? {
        guard let begin = ByteText.find(open, anchor: anchor, in: bytes, from: start) else { return nil }
        let contentStart = begin + open.utf8CodeUnitCount
        guard let ending = ByteText.find(close, in: bytes, from: contentStart) else { return begin..<bytes.count }
        return begin..<(ending + close.utf8CodeUnitCount)
    }

    /// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#123;` or `&#x1F;` at `index`.
    private static func isXMLReference(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        if xmlEntityLength(bytes, at: index) != nil { return true }
        var cursor = index + 1
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "#") else { return false }
        cursor += 1
        let hex = cursor < bytes.count && bytes[cursor] == UInt8(ascii: "x")
        if hex { cursor += 1 }
        let digitsStart = cursor
        while cursor < bytes.count, hex ? isHexDigit(bytes[cursor]) : isDigit(bytes[cursor]) { cursor += 1 }
        return cursor > digitsStart && cursor < bytes.count && bytes[cursor] == UInt8(ascii: ";")
    }

    /// The length of "&amp;" and the other four at `index`, without building the name.
    private static func xmlEntityLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        for name in xmlEntityReferences where index + name.count <= bytes.count {
            var matches = true
            for offset in 1..<name.count where bytes[index + offset] != name[offset] {
                matches = false
                break
            }
            if matches { return name.count }
        }
        return nil
    }

    private static let xmlEntityReferences: [[UInt8]] = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].map { Array($0.utf8) }

    /// If a CDATA section, comment, processing instruction or DOCTYPE starts at `index`, the index
    /// just past it (collecting the entity names a DOCTYPE declares); nil otherwise.
    private static func skipSpecialSection(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, declared: inout Set<[UInt8]>) -> Int? {
        func starts(_ literal: String) -> Bool {
            let pattern = Array(literal.utf8)
            guard index + pattern.count <= bytes.count else { return false }
            for (offset, expected) in pattern.enumerated() where bytes[index + offset] != expected { return false }
            return true
        }
        func find(_ literal: StaticString, from start: Int) -> Int {
            ByteText.find(literal, in: bytes, from: start).map { $0 + literal.utf8CodeUnitCount } ?? bytes.count
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

    private static func htmlEntity(_ name: [UInt8]) -> UInt32? { HTMLEntities.value(of: name) }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isHexDigit(_ b: UInt8) -> Bool { isDigit(b) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66) }
    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    private static func isNameByte(_ b: UInt8) -> Bool {
        isLetter(b) || isDigit(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
    }
}
