import CLibXML2
import Foundation
import Model

/// Reads one feed document of any supported dialect.
public struct FeedParser: Sendable {
    public var limits: FeedParserLimits

    public init(limits: FeedParserLimits = FeedParserLimits()) {
        self.limits = limits
    }

    /// - Parameters:
    ///   - data: the document as received.
    ///   - url: where it came from; the base for relative links.
    public func parse(_ data: Data, url: String? = nil) throws -> ParsedFeed {
        guard data.count <= limits.maxDocumentBytes else {
            throw FeedParseError(.tooLarge(limit: limits.maxDocumentBytes),
                                 "the document is \(data.count) bytes, over the \(limits.maxDocumentBytes)-byte limit")
        }
        guard !data.isEmpty else { throw FeedParseError(.notAFeed, "the document is empty") }
        let isJSON = data.withUnsafeBytes { JSONFeedTranslator.looksLikeJSONFeed($0) }
        if isJSON {
            return try JSONFeedTranslator(documentURL: url).translate(data, limits: limits)
        }
        let trimmed = Self.droppingLeadingWhitespace(data)
        guard Self.startsLikeXML(trimmed) else {
            throw FeedParseError(.notAFeed, "not a feed: the document is neither XML nor JSON")
        }
        let xml = HTMLEntityRewriter.rewrite(trimmed)
        do {
            return try xml.withUnsafeBytes { try parseXML($0, url: url, encoding: nil) }
        } catch let error as FeedParseError where error.message.contains("not proper UTF-8") {
            // Latin-1 or windows-1252 text served without a declaration, or declared UTF-8 by mistake:
            // windows-1252 is the superset browsers read such documents as.
            return try xml.withUnsafeBytes { try parseXML($0, url: url, encoding: "windows-1252") }
        }
    }

    /// Whitespace before the XML declaration is a fatal error for libxml2 and common in the wild.
    private static func droppingLeadingWhitespace(_ data: Data) -> Data {
        guard let first = data.first, first == 0x20 || first == 0x0A || first == 0x0D || first == 0x09 else { return data }
        let start = data.firstIndex { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) } ?? data.endIndex
        return data.subdata(in: start..<data.endIndex)
    }

    /// A "<" first, after an optional byte-order mark (UTF-8, UTF-16 or UTF-32).
    private static func startsLikeXML(_ data: Data) -> Bool {
        let head = Array(data.prefix(4))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) || head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE])
            || head.starts(with: [0x00, 0x00, 0xFE, 0xFF]) || head.starts(with: [0x00, 0x3C]) || head.starts(with: [0x3C, 0x00]) {
            return true
        }
        return head.first == UInt8(ascii: "<")
    }

    private func parseXML(_ bytes: UnsafeRawBufferPointer, url: String?, encoding: String?) throws -> ParsedFeed {
        var dialect: Dialect?
        var items: [ParsedItem] = []
        let reader = XMLStreamReader(documentURL: url, limits: limits, encoding: encoding)
        let outcome = try reader.read(bytes, onRoot: { name, namespace in
            let detected = try Dialect.detect(rootName: name, namespace: namespace)
            dialect = detected
            items.removeAll(keepingCapacity: true)  // a recovery pass starts over
            return detected.isRecord
        }, onRecord: { node in
            guard let dialect, items.count < limits.maxItems else { return }
            items.append(dialect.item(node))
        })
        guard let dialect else { throw FeedParseError(.notAFeed, "no root element") }
        return dialect.feed(root: outcome.root, items: items, recovered: outcome.recovered)
    }
}

/// The XML dialects, chosen from the root element.
private enum Dialect {
    case rss(RSSTranslator)
    case atom(AtomTranslator)

    static func detect(rootName: String, namespace: String) throws -> Dialect {
        switch (rootName, namespace) {
        case ("rss", _) where NS.rssAliases.contains(namespace):
            return .rss(RSSTranslator(format: .rss20))  // version is refined in feed(root:)
        case ("RDF", NS.rdf):
            return .rss(RSSTranslator(format: .rss10))
        case ("feed", NS.atom10):
            return .atom(AtomTranslator(format: .atom10))
        case ("feed", NS.atom03):
            return .atom(AtomTranslator(format: .atom03))
        case ("channel", _) where NS.rssAliases.contains(namespace) || namespace == NS.rss10:
            return .rss(RSSTranslator(format: .rss20))  // headless RSS seen in the wild
        default:
            let shown = namespace.isEmpty ? "<\(rootName)>" : "<\(rootName)> in namespace \(namespace)"
            throw FeedParseError(.notAFeed, "not a feed: the root element is \(shown), not <rss>, <rdf:RDF> or <feed>")
        }
    }

    var isRecord: (String, String) -> Bool {
        switch self {
        case .rss: return RSSTranslator.isRecord
        case .atom: return AtomTranslator.isRecord
        }
    }

    func item(_ node: XMLElementNode) -> ParsedItem {
        switch self {
        case .rss(let translator): return translator.item(node)
        case .atom(let translator): return translator.item(node)
        }
    }

    func feed(root: XMLElementNode, items: [ParsedItem], recovered: Bool) -> ParsedFeed {
        switch self {
        case .rss(let translator):
            let format: FeedFormat
            if translator.format == .rss10 {
                // RSS 0.90 is RDF too, told apart by its channel namespace.
                format = root.elements.contains { $0.namespace == NS.rss090 } ? .rss09x : .rss10
            } else {
                let version = root.attribute("version") ?? "2.0"
                format = version.hasPrefix("0.9") ? .rss09x : .rss20
            }
            return RSSTranslator(format: format).feed(root: root, items: items, recovered: recovered)
        case .atom(let translator):
            return translator.feed(root: root, items: items, recovered: recovered)
        }
    }
}

/// Feeds use HTML entities (`&nbsp;`, `&eacute;`) that XML does not define, which would make
/// libxml2 reject the document. Rewrite them as character references before parsing. Runs on
/// bytes, so it is correct for every ASCII-compatible encoding; the five XML entities and
/// numeric references are left alone.
enum HTMLEntityRewriter {
    private static let xmlEntities: Set<[UInt8]> = [Array("amp".utf8), Array("lt".utf8), Array("gt".utf8),
                                                    Array("quot".utf8), Array("apos".utf8)]

    static func rewrite(_ data: Data) -> Data {
        guard let firstAmpersand = data.firstIndex(of: UInt8(ascii: "&")) else { return data }
        var output = Data()
        var changed = false
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var copiedUpTo = 0
            var index = firstAmpersand - data.startIndex
            while index < bytes.count {
                guard bytes[index] == UInt8(ascii: "&") else { index += 1; continue }
                var end = index + 1
                while end < bytes.count, end - index <= 32, isNameByte(bytes[end]) { end += 1 }
                guard end < bytes.count, bytes[end] == UInt8(ascii: ";"), end > index + 1,
                      isLetter(bytes[index + 1]) else { index += 1; continue }
                let name = Array(bytes[(index + 1)..<end])
                if !xmlEntities.contains(name), let code = lookup(name) {
                    if !changed { output.reserveCapacity(bytes.count + 64); changed = true }
                    output.append(contentsOf: bytes[copiedUpTo..<index])
                    output.append(contentsOf: Array("&#\(code);".utf8))
                    copiedUpTo = end + 1
                }
                index = end + 1
            }
            if changed { output.append(contentsOf: bytes[copiedUpTo..<bytes.count]) }
        }
        return changed ? output : data
    }

    private static func lookup(_ name: [UInt8]) -> UInt32? {
        var terminated = name
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer -> UInt32? in
            guard let entity = htmlEntityLookup(buffer.baseAddress) else { return nil }
            return entity.pointee.value
        }
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
    private static func isNameByte(_ b: UInt8) -> Bool { isLetter(b) || (b >= 0x30 && b <= 0x39) }
}
