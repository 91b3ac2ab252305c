import CLibXML2
import Foundation

/// Streams an XML document through libxml2 and hands out element trees: one per "record"
/// element (RSS item, Atom entry) as soon as it closes, and the root with everything else at the
/// end. Records are never attached to the root, so memory follows the largest record.
///
/// Two libxml2 interfaces, one result (`ElementTreeBuilder` assembles the trees for both):
/// - SAX2 for documents without a document type declaration, nearly all feeds: libxml2 itself
///   reads 1.7× as fast this way as through its text reader. It is given no entity handlers, so no entity other than XML's five is ever
///   expanded, whatever the document holds.
/// - The text reader for documents with a DOCTYPE, whose internal entities are expanded here,
///   literally and within `maxEntityExpansionBytes`.
///
/// Safety: `XML_PARSE_NONET`, no `NOENT` (libxml2 never substitutes entities, so no XXE and no
/// billion laughs), no `DTDLOAD`, no `HUGE` (libxml2 keeps its depth and size limits).
struct XMLStreamReader {
    struct Outcome {
        var root: XMLElementNode
        /// libxml2 had to recover from ill-formed XML, or ampersands had to be repaired.
        var recovered: Bool
    }

    enum Engine {
        /// SAX2, or the text reader for a document with a DOCTYPE.
        case automatic
        /// The text reader for every document (tests compare the two).
        case textReader
    }

    var documentURL: String?
    var limits: FeedParserLimits
    /// Overrides the document's own encoding declaration (nil: declaration, BOM, else UTF-8).
    var encoding: String?
    /// DispatchTime uptime, in nanoseconds, past which reading stops (`limits.maxSeconds` for all passes).
    var deadline: UInt64
    var engine: Engine = .automatic

    /// - Parameters:
    ///   - onRoot: sees the root element (name, namespace, attributes), returns the predicate that tells
    ///     which elements are records; throws to reject the document (not a feed).
    ///   - onRecord: receives each record element when it closes.
    func read(
        _ bytes: UnsafeRawBufferPointer,
        onRoot: (_ root: XMLElementNode) throws -> (_ name: String, _ namespace: String) -> Bool,
        onRecord: (XMLElementNode) throws -> Void
    ) throws -> Outcome {
        do {
            return try pass(bytes, recover: false, onRoot: onRoot, onRecord: onRecord)
        } catch let error as FeedParseError where error.kind == .malformedXML {
            // A character XML forbids stops libxml2 even when recovering: the caller takes such
            // characters out and reads again (FeedParser, XMLCharacterRepair).
            if error.message.contains("invalid Char value") { throw error }
            // Second chance for the ill-formed feeds of the wild; the result says so.
            do {
                var outcome = try pass(bytes, recover: true, onRoot: onRoot, onRecord: onRecord)
                outcome.recovered = true
                return outcome
            } catch let retry as FeedParseError where retry.kind == .malformedXML {
                // Report the first error, where the document went wrong, and call a document
                // that breaks off on its last line what it is: truncated.
                if retry.message.hasPrefix("the document is truncated"), let line = error.line,
                   line >= Self.lineCount(bytes) {
                    throw FeedParseError(.malformedXML, retry.message + " (\(error.message))", line: error.line, column: error.column)
                }
                throw error
            }
        }
    }

    private func pass(
        _ bytes: UnsafeRawBufferPointer, recover: Bool,
        onRoot: (_ root: XMLElementNode) throws -> (_ name: String, _ namespace: String) -> Bool,
        onRecord: (XMLElementNode) throws -> Void
    ) throws -> Outcome {
        guard bytes.count <= Int(Int32.max), bytes.baseAddress != nil else {
            throw FeedParseError(.notAFeed, "empty document")
        }
        LibXML2.initialize()
        var options = XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_COMPACT.rawValue
        if recover { options |= XML_PARSE_RECOVER.rawValue }
        // Ampersands that XML would reject are repaired on the way in, chunk by chunk.
        let repair = AmpersandRepair.isNeeded(bytes) ? AmpersandRepair(bytes) : nil
        let errors = ErrorCollector()
        return try withoutActuallyEscaping(onRoot) { onRoot in
            try withoutActuallyEscaping(onRecord) { onRecord in
                let builder = ElementTreeBuilder(documentURL: documentURL, limits: limits, deadline: deadline,
                                                 onRoot: onRoot, onRecord: onRecord)
                let lastLine: Int
                if engine == .automatic && !Self.declaresDocumentType(bytes) {
                    lastLine = try XMLSAXPass(documentURL: documentURL, encoding: encoding, options: Int32(options),
                                              recover: recover, builder: builder, errors: errors).run(bytes, repair: repair)
                } else {
                    lastLine = try readWithTextReader(bytes, options: Int32(options), recover: recover, repair: repair,
                                                      builder: builder, errors: errors)
                }
                guard let root = builder.root else {
                    throw errors.parseError(fallback: "the document is empty")
                }
                if !builder.rootClosed && recover && builder.stack.count == 1 && Self.endsWithUnfinishedEndTag(bytes, name: root.name) {
                    builder.acceptUnfinishedRootEndTag()
                }
                // Only for end tags that did not match (broken inline XHTML): anything else that
                // went wrong first (an encoding, a truncation) is not papered over.
                if !builder.rootClosed && recover && errors.first?.message.hasPrefix("Opening and ending tag mismatch") == true
                    && Self.endsWithEndTag(bytes, name: root.name) {
                    try builder.closeEverythingOpen()
                }
                if !builder.rootClosed {
                    throw FeedParseError(.malformedXML, "the document is truncated: it ends before </\(root.name)> closes",
                                         line: lastLine > 0 ? lastLine : nil)
                }
                return Outcome(root: root, recovered: recover || repair?.repairedErrors == true)
            }
        }
    }

    /// Whether the document's last tag is `</name>` (white space after it allowed): it is whole,
    /// whatever went wrong inside.
    static func endsWithEndTag(_ bytes: UnsafeRawBufferPointer, name: String) -> Bool {
        var end = bytes.count
        while end > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[end - 1]) { end -= 1 }
        let tag = Array("</\(name)>".utf8)
        guard end >= tag.count else { return false }
        return zip(bytes[(end - tag.count)..<end], tag).allSatisfy { $0 == $1 }
    }

    /// Whether the prolog holds a `<!DOCTYPE`: what comes before the first element, skipping
    /// comments and processing instructions. A DOCTYPE this misses (in an encoding that is not
    /// ASCII-compatible, say) is harmless: the SAX2 pass expands no entity at all.
    static func declaresDocumentType(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < count else {
                index += 1
                continue
            }
            switch bytes[index + 1] {
            case UInt8(ascii: "?"):
                index = Self.index(after: [UInt8(ascii: "?"), UInt8(ascii: ">")], in: bytes, from: index + 2)
            case UInt8(ascii: "!"):
                let isComment = index + 3 < count && bytes[index + 2] == UInt8(ascii: "-") && bytes[index + 3] == UInt8(ascii: "-")
                guard isComment else { return true }
                index = Self.index(after: [UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: ">")], in: bytes, from: index + 4)
            default:
                return false
            }
        }
        return false
    }

    private static func index(after marker: [UInt8], in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while index + marker.count <= bytes.count {
            if bytes[index] == marker[0] && marker.indices.allSatisfy({ bytes[index + $0] == marker[$0] }) { return index + marker.count }
            index += 1
        }
        return bytes.count
    }

    /// The text-reader pass; returns the line where reading stopped.
    private func readWithTextReader(_ bytes: UnsafeRawBufferPointer, options: Int32, recover: Bool, repair: AmpersandRepair?,
                                    builder: ElementTreeBuilder, errors: ErrorCollector) throws -> Int {
        let reader: xmlTextReaderPtr?
        if let repair {
            reader = xmlReaderForIO({ context, buffer, length in
                guard let context, let buffer, length > 0 else { return 0 }
                let input = Unmanaged<AmpersandRepair>.fromOpaque(context).takeUnretainedValue()
                return Int32(input.read(into: UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt8.self), capacity: Int(length)))
            }, nil, Unmanaged.passUnretained(repair).toOpaque(), documentURL, encoding, options)
        } else {
            reader = xmlReaderForMemory(
                bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count), documentURL, encoding, options)
        }
        guard let reader else { throw FeedParseError(.malformedXML, "cannot create the XML reader") }
        defer {
            xmlFreeTextReader(reader)
            // libxml2 holds both unretained until the reader is freed.
            withExtendedLifetime(repair) {}
            withExtendedLifetime(errors) {}
        }
        let context = Unmanaged.passUnretained(errors).toOpaque()
        xmlTextReaderSetStructuredErrorHandler(reader, { ctx, error in
            guard let ctx, let error else { return }
            let collector = Unmanaged<ErrorCollector>.fromOpaque(ctx).takeUnretainedValue()
            collector.record(error.pointee)
        }, context)

        var expandedBytes = 0
        var nodesRead = 0
        var names = InternedNames()
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            nodesRead += 1
            if nodesRead & 1023 == 0, DispatchTime.now().uptimeNanoseconds > deadline {
                throw FeedParseError(.timeLimit, "parsing took longer than \(limits.maxSeconds) s")
            }
            if status < 0 {
                // Recovery that still cannot go on: what was read stands if the root closed,
                // and is reported as truncated if it did not.
                if recover && builder.root != nil { break }
                throw errors.parseError(fallback: "the document is not well-formed XML")
            }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let name = names.string(xmlTextReaderConstLocalName(reader))
                let namespace = names.string(xmlTextReaderConstNamespaceUri(reader))
                var attributes: [ElementTreeBuilder.Attribute] = []
                while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                    attributes.append((names.string(xmlTextReaderConstLocalName(reader)),
                                       names.string(xmlTextReaderConstNamespaceUri(reader)),
                                       Self.text(xmlTextReaderConstValue(reader))))
                }
                xmlTextReaderMoveToElement(reader)
                try builder.start(name: name, namespace: namespace, attributes: attributes,
                                  isEmpty: xmlTextReaderIsEmptyElement(reader) == 1)
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                try builder.end()
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                 Int32(XML_READER_TYPE_WHITESPACE.rawValue), Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
                builder.text(Self.text(xmlTextReaderConstValue(reader)))
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                // An entity the document declares: internal ones only, never expanded twice.
                guard !builder.stack.isEmpty, let replacement = internalEntityText(reader) else { continue }
                expandedBytes += max(1, replacement.utf8.count)  // an empty entity a million times counts too
                if expandedBytes > Self.maxEntityExpansionBytes {
                    throw FeedParseError(.malformedXML, "entity expansion exceeds \(Self.maxEntityExpansionBytes) bytes",
                                         line: Int(xmlTextReaderGetParserLineNumber(reader)))
                }
                builder.text(replacement)
            default:
                continue
            }
        }
        return Int(xmlTextReaderGetParserLineNumber(reader))
    }

    /// Declared entities are a DTD feature feeds barely use; a few kilobytes is plenty, and the
    /// bound keeps a small entity referenced a million times from growing a document 1000-fold.
    static let maxEntityExpansionBytes = 1 << 20

    /// The replacement text of an internal general entity, taken literally (not parsed again,
    /// so nested references and markup inside it are inert). External entities give nil.
    private func internalEntityText(_ reader: xmlTextReaderPtr) -> String? {
        // On an entity-reference node, children is the entity declaration. (Not
        // xmlTextReaderCurrentDoc: it makes the reader keep, and leak, the whole tree.)
        guard let node = xmlTextReaderCurrentNode(reader), let declaration = node.pointee.children,
              declaration.pointee.type == XML_ENTITY_DECL else { return nil }
        let entity = UnsafeMutableRawPointer(declaration).assumingMemoryBound(to: xmlEntity.self)
        guard entity.pointee.etype == XML_INTERNAL_GENERAL_ENTITY, let content = entity.pointee.content else { return nil }
        return TextRepair.repair(String(cString: content))
    }

    /// True when the document's last bytes are the root's end tag without its ">".
    private static func endsWithUnfinishedEndTag(_ bytes: UnsafeRawBufferPointer, name: String) -> Bool {
        let tail = String(decoding: bytes.suffix(256), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let open = tail.range(of: "</", options: .backwards) else { return false }
        let tagName = tail[open.upperBound...]
        return tagName == name || tagName.hasSuffix(":" + name)
    }

    private static func lineCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        var lines = 1
        var last: UInt8 = 0
        for byte in bytes {
            if byte == 0x0A { lines += 1 }
            last = byte
        }
        return last == 0x0A ? lines - 1 : lines
    }

    /// Text content, with its encoding accidents repaired (TextRepair), decoded once.
    static func text(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return text(UnsafeBufferPointer(start: pointer, count: strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))))
    }

    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let string = String(decoding: bytes, as: UTF8.self)
        return TextRepair.mayNeedRepair(bytes) ? TextRepair.repair(string) : string
    }
}

/// Element and attribute names come from libxml2's dictionary, one pointer per distinct name:
/// each is turned into a Swift String once per document.
struct InternedNames {
    private var strings: [UnsafePointer<xmlChar>: String] = [:]

    mutating func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        if let known = strings[pointer] { return known }
        let string = String(cString: pointer)
        strings[pointer] = string
        return string
    }
}

/// Keeps the first error libxml2 reports, with its position, so the message names line and column.
final class ErrorCollector {
    struct Entry {
        var message: String
        var line: Int
        var column: Int
    }

    var first: Entry?

    func record(_ error: xmlError) {
        guard first == nil, error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        let message = error.message.map { String(cString: $0) }?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "XML error \(error.code)"
        first = Entry(message: message, line: Int(error.line), column: Int(error.int2))
    }

    func parseError(fallback: String) -> FeedParseError {
        guard let first else { return FeedParseError(.malformedXML, fallback) }
        return FeedParseError(.malformedXML, first.message, line: first.line > 0 ? first.line : nil,
                              column: first.column > 0 ? first.column : nil)
    }
}
