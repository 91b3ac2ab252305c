import CLibXML2
import Foundation

/// Streams an XML document through libxml2's text reader and hands out element trees:
/// one per "record" element (RSS item, Atom entry) as soon as it closes, and the root with
/// everything else at the end. Records are never attached to the root, so memory follows the
/// largest record.
///
/// Safety: `XML_PARSE_NONET`, no `NOENT` (entities are never substituted, so no XXE and no
/// billion laughs), no `DTDLOAD`, no `HUGE` (libxml2 keeps its depth and size limits).
struct XMLStreamReader {
    struct Outcome {
        var root: XMLElementNode
        /// libxml2 had to recover from ill-formed XML, or ampersands had to be repaired.
        var recovered: Bool
    }

    var documentURL: String?
    var limits: FeedParserLimits
    /// Overrides the document's own encoding declaration (nil: declaration, BOM, else UTF-8).
    var encoding: String?
    /// DispatchTime uptime, in nanoseconds, past which reading stops (`limits.maxSeconds` for all passes).
    var deadline: UInt64

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
        guard bytes.count <= Int(Int32.max), let base = bytes.baseAddress else {
            throw FeedParseError(.notAFeed, "empty document")
        }
        LibXML2.initialize()
        var options = XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_COMPACT.rawValue
        if recover { options |= XML_PARSE_RECOVER.rawValue }
        // Ampersands that XML would reject are repaired on the way in, chunk by chunk.
        let repair = AmpersandRepair.isNeeded(bytes) ? AmpersandRepair(bytes) : nil
        let errors = ErrorCollector()
        let reader: xmlTextReaderPtr?
        if let repair {
            reader = xmlReaderForIO({ context, buffer, length in
                guard let context, let buffer, length > 0 else { return 0 }
                let input = Unmanaged<AmpersandRepair>.fromOpaque(context).takeUnretainedValue()
                return Int32(input.read(into: UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt8.self), capacity: Int(length)))
            }, nil, Unmanaged.passUnretained(repair).toOpaque(), documentURL, encoding, Int32(options))
        } else {
            reader = xmlReaderForMemory(
                base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), documentURL, encoding, Int32(options))
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

        var stack: [XMLElementNode] = []
        var root: XMLElementNode?
        var rootClosed = false
        var isRecord: (String, String) -> Bool = { _, _ in false }
        var nodesRead = 0
        var expandedBytes = 0
        var names = InternedNames()

        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { break }
            if status < 0 {
                // Recovery that still cannot go on: what was read stands if the root closed,
                // and is reported as truncated below if it did not.
                if recover && root != nil { break }
                throw errors.parseError(fallback: "the document is not well-formed XML")
            }
            nodesRead += 1
            if nodesRead & 1023 == 0, DispatchTime.now().uptimeNanoseconds > deadline {
                throw FeedParseError(.timeLimit, "parsing took longer than \(limits.maxSeconds) s")
            }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let name = names.string(xmlTextReaderConstLocalName(reader))
                let namespace = names.string(xmlTextReaderConstNamespaceUri(reader))
                let parent = stack.last
                var attributes: [(name: String, namespace: String, value: String)] = []
                var base = parent?.base ?? documentURL
                var language = parent?.language
                while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                    let attrName = names.string(xmlTextReaderConstLocalName(reader))
                    let attrNamespace = names.string(xmlTextReaderConstNamespaceUri(reader))
                    let value = Self.text(xmlTextReaderConstValue(reader))
                    if attrNamespace == "http://www.w3.org/XML/1998/namespace" {
                        if attrName == "base" { base = URLResolver.resolve(value, against: base) ?? base }
                        if attrName == "lang" { language = FieldReading.language(value) }
                    }
                    attributes.append((attrName, attrNamespace, value))
                }
                xmlTextReaderMoveToElement(reader)
                let node = XMLElementNode(name: name, namespace: namespace, attributes: attributes, base: base, language: language)
                if root == nil {
                    root = node
                    isRecord = try onRoot(node)
                } else if let parent {
                    if !isRecord(name, namespace) { parent.children.append(.element(node)) }
                }
                if xmlTextReaderIsEmptyElement(reader) == 1 {
                    try close(node, isRoot: stack.isEmpty, isRecord: isRecord, onRecord: onRecord, rootClosed: &rootClosed)
                } else {
                    stack.append(node)
                }
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                guard let node = stack.popLast() else { continue }
                try close(node, isRoot: stack.isEmpty, isRecord: isRecord, onRecord: onRecord, rootClosed: &rootClosed)
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                 Int32(XML_READER_TYPE_WHITESPACE.rawValue), Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
                if let current = stack.last {
                    current.children.append(.text(Self.text(xmlTextReaderConstValue(reader))))
                }
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                // An entity the document declares: internal ones only, never expanded twice.
                guard let current = stack.last, let replacement = internalEntityText(reader) else { continue }
                expandedBytes += replacement.utf8.count
                if expandedBytes > Self.maxEntityExpansionBytes {
                    throw FeedParseError(.malformedXML, "entity expansion exceeds \(Self.maxEntityExpansionBytes) bytes",
                                         line: Int(xmlTextReaderGetParserLineNumber(reader)))
                }
                current.children.append(.text(replacement))
            default:
                continue
            }
        }
        guard let root else {
            throw errors.parseError(fallback: "the document is empty")
        }
        if !rootClosed && recover && stack.count == 1 && Self.endsWithUnfinishedEndTag(bytes, name: root.name) {
            rootClosed = true  // "</rss" without its ">": nothing is missing but one character
        }
        if !rootClosed {
            let line = Int(xmlTextReaderGetParserLineNumber(reader))
            throw FeedParseError(.malformedXML, "the document is truncated: it ends before </\(root.name)> closes", line: line > 0 ? line : nil)
        }
        return Outcome(root: root, recovered: recover || repair?.repairedErrors == true)
    }

    private func close(
        _ node: XMLElementNode, isRoot: Bool, isRecord: (String, String) -> Bool,
        onRecord: (XMLElementNode) throws -> Void, rootClosed: inout Bool
    ) throws {
        if isRoot {
            rootClosed = true
        } else if isRecord(node.name, node.namespace) {
            try onRecord(node)
        }
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
        let bytes = UnsafeBufferPointer(start: pointer, count: strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)))
        let string = String(decoding: bytes, as: UTF8.self)
        return TextRepair.mayNeedRepair(bytes) ? TextRepair.repair(string) : string
    }
}

/// Element and attribute names come from the reader's dictionary, one pointer per distinct name:
/// each is turned into a Swift String once per document.
private struct InternedNames {
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
private final class ErrorCollector {
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
