import CLibXML2
import Dispatch
import Foundation
import Model

/// Reads one feed document of any supported dialect.
public struct FeedParser: Sendable {
    public var limits: FeedParserLimits
    /// Which libxml2 interface reads XML (tests compare the two).
    var engine: XMLStreamReader.Engine = .automatic

    public init(limits: FeedParserLimits = FeedParserLimits()) {
        self.limits = limits
    }

    /// - Parameters:
    ///   - data: the document as received.
    ///   - url: where it came from; the base for relative links.
    ///   - contentType: the HTTP Content-Type, whose charset is used when the document names none.
    public func parse(_ data: Data, url: String? = nil, contentType: String? = nil) throws -> ParsedFeed {
        try parse(data, url: url, contentType: contentType, onItem: nil)
    }

    /// Streaming form: each item goes to `onItem` as soon as it is read (in order, possibly on
    /// another thread), and the returned feed has no items, so memory does not grow with them.
    /// A document that turns out to be broken may have delivered some items before the error.
    public func parse(_ data: Data, url: String? = nil, contentType: String? = nil,
                      onItem: (@Sendable (ParsedItem) -> Void)?) throws -> ParsedFeed {
        LibXML2.initialize()
        cv_silence_generic_errors()
        guard data.count <= limits.maxDocumentBytes else {
            throw FeedParseError(.tooLarge(limit: limits.maxDocumentBytes),
                                 "the document is \(data.count) bytes, over the \(limits.maxDocumentBytes)-byte limit")
        }
        guard !data.isEmpty else { throw FeedParseError(.notAFeed, "the document is empty") }
        let isJSON = data.withUnsafeBytes { JSONFeedTranslator.looksLikeJSONFeed($0) }
        if isJSON {
            var feed = LinkPolicy.restrict(try Self.parseJSON(data, url: url, limits: limits))
            if let onItem {
                feed.items.forEach(onItem)
                feed.items = []
            }
            return feed
        }
        // UTF-16 is read as the UTF-8 it becomes, whatever its declaration says.
        let utf16 = EncodingSniffer.utf8FromUTF16(data)
        let trimmed = Self.droppingLeadingWhitespace(utf16 ?? data)
        guard Self.startsLikeXML(trimmed) else {
            throw FeedParseError(.notAFeed, "not a feed: the document is neither XML nor JSON")
        }
        if trimmed.withUnsafeBytes({ AttributeFlood.isPresent($0, skipSections: true) }) {
            throw FeedParseError(.malformedXML, "an element has more than \(AttributeFlood.limit) attributes: refused as hostile")
        }
        let encoding = utf16 != nil ? "UTF-8"
            : EncodingSniffer.encodingOverride(trimmed, httpCharset: EncodingSniffer.charset(fromContentType: contentType))
        // One time budget and one delivery count for every pass over the document.
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, limits.maxSeconds) * 1e9)
        let ledger = DeliveryLedger()
        do {
            return LinkPolicy.restrict(try trimmed.withUnsafeBytes {
                try parseXML($0, url: url, encoding: encoding, deadline: deadline, ledger: ledger, onItem: onItem)
            })
        } catch let error as FeedParseError where error.message.contains("invalid Char value") || error.message.contains("xmlParseCharRef: invalid") {
            // Control characters XML forbids in text (a feed written by string concatenation):
            // they carry nothing a reader needs, and are dropped instead of refusing the feed.
            guard let cleaned = XMLCharacterRepair.removingForbiddenControls(trimmed) else { throw error }
            var feed = try cleaned.withUnsafeBytes {
                try parseXML($0, url: url, encoding: encoding, deadline: deadline, ledger: ledger, onItem: onItem)
            }
            feed.recovered = true
            return LinkPolicy.restrict(feed)
        } catch let error as FeedParseError where error.message.contains("not proper UTF-8") || error.message.contains("encoding error") {
            // Latin-1 or windows-1252 text served without a declaration, or declared UTF-8 by mistake:
            // windows-1252 is the superset browsers read such documents as.
            var feed = try trimmed.withUnsafeBytes {
                try parseXML($0, url: url, encoding: "windows-1252", deadline: deadline, ledger: ledger, onItem: onItem)
            }
            feed.recovered = true
            return LinkPolicy.restrict(feed)
        }
    }

    /// JSON documents: JSON Feed, or one of the advisory formats, told apart by their own keys.
    private static func parseJSON(_ data: Data, url: String?, limits: FeedParserLimits) throws -> ParsedFeed {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw FeedParseError(.malformedJSON, "the document is not valid JSON")
        }
        guard let root = object as? [String: Any] else {
            throw FeedParseError(.notAFeed, "a JSON document that is not an object")
        }
        if CSAFTranslator.isCSAF(root) { return try CSAFTranslator(documentURL: url).translate(root) }
        if CERTFRTranslator.isCERTFR(root) { return try CERTFRTranslator(documentURL: url).translate(root) }
        if KEVTranslator.isCatalog(root) { return try KEVTranslator().translate(root, limits: limits) }
        return try JSONFeedTranslator(documentURL: url).translate(root, limits: limits)
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

    private func parseXML(_ bytes: UnsafeRawBufferPointer, url: String?, encoding: String?, deadline: UInt64,
                          ledger: DeliveryLedger, onItem: (@Sendable (ParsedItem) -> Void)?) throws -> ParsedFeed {
        var dialect: Dialect?
        var translation: ItemTranslation?
        let reader = XMLStreamReader(documentURL: url, limits: limits, encoding: encoding, deadline: deadline, engine: engine)
        let outcome: XMLStreamReader.Outcome
        do {
            outcome = try reader.read(bytes, onRoot: { root in
                let detected = try Dialect.detect(root)
                dialect = detected
                translation?.cancel()  // a recovery pass starts over
                translation = ItemTranslation(
                    maxItems: limits.maxItems, concurrent: bytes.count >= limits.concurrentTranslationBytes, ledger: ledger,
                    deliver: onItem) { LinkPolicy.restrict(detected.item($0)) }
                return detected.isRecord
            }, onRecord: { node in
                translation?.add(node)
            })
        } catch {
            translation?.cancel()  // nothing more is delivered for a pass that failed
            throw error
        }
        guard let dialect, let translation else { throw FeedParseError(.notAFeed, "no root element") }
        let items = translation.finish()
        return dialect.feed(root: outcome.root, items: items, recovered: outcome.recovered)
    }
}

/// The XML dialects, chosen from the root element's name. Namespaces vary in the wild (Userland's
/// RSS namespaces, pre-standard Atom ones, none at all), so the root's own namespace is taken as
/// the dialect's, whatever it is.
private enum Dialect: Sendable {
    case rss(RSSTranslator)
    case atom(AtomTranslator)

    static func detect(_ root: XMLElementNode) throws -> Dialect {
        let namespace = root.namespace
        switch root.name {
        case "rss", "channel":
            let version = root.attribute("version") ?? "2.0"
            return .rss(RSSTranslator(format: version.hasPrefix("0.9") ? .rss09x : .rss20, namespace: namespace))
        case "RDF":
            // RSS 0.90 is RDF too, told apart by its namespace.
            let declaresRSS090 = root.attributes.contains { $0.value == NS.rss090 }
            return .rss(RSSTranslator(format: declaresRSS090 ? .rss09x : .rss10, namespace: NS.rss10))
        case "feed":
            // version="0.3" marks Atom 0.3 under any namespace; the 1.0 namespace, or none, marks 1.0.
            let isAtom03 = namespace == NS.atom03 || (namespace != NS.atom10 && root.attribute("version") != nil)
            return .atom(AtomTranslator(format: isAtom03 ? .atom03 : .atom10, namespace: namespace))
        case "html", "HTML":
            throw FeedParseError(.notAFeed, "not a feed: an HTML page (a login page, a bot wall, or a feed that moved?)")
        default:
            let shown = namespace.isEmpty ? "<\(root.name)>" : "<\(root.name)> in namespace \(namespace)"
            throw FeedParseError(.notAFeed, "not a feed: the root element is \(shown), not <rss>, <rdf:RDF> or <feed>")
        }
    }

    var isRecord: @Sendable (String, String) -> Bool {
        switch self {
        case .rss(let translator): return translator.isRecord
        case .atom(let translator): return translator.isRecord
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
            var feed = translator.feed(root: root, items: items, recovered: recovered)
            // RSS 0.90's channel may only reveal its namespace in the channel element.
            if feed.format == .rss10, root.elements.contains(where: { $0.namespace == NS.rss090 }) { feed.format = .rss09x }
            return feed
        case .atom(let translator):
            return translator.feed(root: root, items: items, recovered: recovered)
        }
    }
}

/// libxml2 2.9 must have its globals set up once, before threads use it at the same time
/// (documents and HTML fragments are parsed on every core); its own lazy set-up races.
enum LibXML2 {
    private static let initialized: Void = xmlInitParser()

    static func initialize() { _ = initialized }
}
