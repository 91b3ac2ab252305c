import CLibXML2
import Dispatch

/// One reading of a document through libxml2's SAX2 interface, pushed in chunks: libxml2 calls
/// back for each element start and end and each run of text, and the events go to an
/// `ElementTreeBuilder`. No tree is built by libxml2, which is what makes this faster than the
/// text reader.
///
/// Reading stops at the first fatal error, as the text reader's does, even in recovery mode (where
/// libxml2 still repairs what it can before that point, and keeps reading after namespace errors)
/// — but for end tags that do not match (broken inline XHTML): recovering, an end tag closes the
/// element it names and those opened inside it, as HTML parsers do, and reading goes on.
///
/// The handler has no entity callbacks: entity declarations are ignored and every reference but
/// XML's five predefined ones is an error, so nothing is ever expanded or fetched. Documents with
/// a DOCTYPE go to the text reader instead (see `XMLStreamReader`).
final class XMLSAXPass {
    private let documentURL: String?
    private let encoding: String?
    private let options: Int32
    private let recover: Bool
    private let builder: ElementTreeBuilder
    private let errors: ErrorCollector
    private var names = InternedNames()
    private var pendingText: [UInt8] = []
    private var attributeValue: [UInt8] = []
    private var failure: (any Error)?
    private var parser: xmlParserCtxtPtr?
    /// The local name an end tag gave when it did not match the open element. libxml2 reports the
    /// mismatch, then ends the open element whatever the tag said; the builder ends the named one.
    private var mismatchedEndTag: String?

    /// Bytes handed to libxml2 at a time; the time limit is also checked between chunks.
    static let chunkBytes = 64 << 10

    init(documentURL: String?, encoding: String?, options: Int32, recover: Bool, builder: ElementTreeBuilder, errors: ErrorCollector) {
        self.documentURL = documentURL
        self.encoding = encoding
        self.options = options
        self.recover = recover
        self.builder = builder
        self.errors = errors
        pendingText.reserveCapacity(4096)
    }

    /// Reads the whole document; returns the line where reading stopped.
    func run(_ bytes: UnsafeRawBufferPointer, repair: AmpersandRepair?) throws -> Int {
        var sax = Self.handler()
        let context = Unmanaged.passUnretained(self).toOpaque()
        // As the text reader does: the first four bytes create the parser (they tell the
        // encoding family), then the override, then the rest.
        var chunk: UnsafeRawBufferPointer
        var buffer: UnsafeMutableRawBufferPointer?
        defer { buffer?.deallocate() }
        if let repair {
            let allocated = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkBytes, alignment: 1)
            buffer = allocated
            chunk = UnsafeRawBufferPointer(rebasing: allocated[..<repair.read(into: allocated.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                                               capacity: Self.chunkBytes)])
        } else {
            chunk = UnsafeRawBufferPointer(rebasing: bytes[..<min(Self.chunkBytes, bytes.count)])
        }
        let head = min(4, chunk.count)
        guard let parser = xmlCreatePushParserCtxt(&sax, context, chunk.baseAddress?.assumingMemoryBound(to: CChar.self),
                                                   Int32(head), documentURL) else {
            throw FeedParseError(.malformedXML, "cannot create the XML parser")
        }
        self.parser = parser
        defer {
            xmlFreeParserCtxt(parser)
            self.parser = nil
        }
        xmlCtxtUseOptions(parser, options)
        if let encoding, let handler = xmlFindCharEncodingHandler(encoding) {
            xmlSwitchToEncoding(parser, handler)
        }
        chunk = UnsafeRawBufferPointer(rebasing: chunk[head...])
        var offset = head + chunk.count  // into `bytes`, when there is no repair
        while true {
            let isLast = repair == nil ? offset >= bytes.count : chunk.isEmpty
            guard push(parser, chunk, last: isLast), !isLast else { break }
            if let repair, let buffer {
                let count = repair.read(into: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), capacity: Self.chunkBytes)
                chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            } else {
                let count = min(Self.chunkBytes, bytes.count - offset)
                chunk = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
                offset += count
            }
        }
        if let failure { throw failure }
        if !recover && parser.pointee.wellFormed == 0 {
            throw errors.parseError(fallback: "the document is not well-formed XML")
        }
        return Int(xmlSAX2GetLineNumber(parser))
    }

    /// False when reading must stop: a callback failed, libxml2 gave up, or time ran out.
    private func push(_ parser: xmlParserCtxtPtr, _ chunk: UnsafeRawBufferPointer, last: Bool) -> Bool {
        let status = xmlParseChunk(parser, chunk.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(chunk.count), last ? 1 : 0)
        if failure != nil { return false }
        if DispatchTime.now().uptimeNanoseconds > builder.deadline {
            failure = FeedParseError(.timeLimit, "parsing took longer than \(builder.limits.maxSeconds) s")
            return false
        }
        return status == 0
    }

    private func fail(_ error: any Error) {
        guard failure == nil else { return }
        failure = error
        if let parser { xmlStopParser(parser) }
    }

    /// Long texts stay bytes until asked for (the sanitizer reads bytes): one UTF-8 validation
    /// fewer for every description and content.
    static let bytesTextThreshold = 128

    private func flushText() {
        guard !pendingText.isEmpty else { return }
        if !builder.stack.isEmpty {
            if pendingText.count >= Self.bytesTextThreshold && !TextRepair.mayNeedRepair(pendingText) {
                // A copy of exactly its size: handing over the buffer would keep its whole
                // capacity alive in the tree and make the next text allocate a new one.
                builder.text(utf8: Array(pendingText))
            } else {
                builder.text(pendingText.withUnsafeBufferPointer { XMLStreamReader.text($0) })
            }
        }
        pendingText.removeAll(keepingCapacity: true)
    }

    private func startElement(_ localName: UnsafePointer<xmlChar>, _ prefix: UnsafePointer<xmlChar>?, _ uri: UnsafePointer<xmlChar>?,
                              namespaceCount: Int, _ namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
                              attributeCount: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard failure == nil else { return }
        flushText()
        // Namespace declarations first, then attributes, as the text reader lists them.
        var list: [ElementTreeBuilder.Attribute] = []
        list.reserveCapacity(namespaceCount + attributeCount)
        if let namespaces {
            for index in 0..<namespaceCount {
                let prefix = namespaces[2 * index]
                list.append((prefix.map { names.string($0) } ?? "xmlns", "http://www.w3.org/2000/xmlns/",
                             names.string(namespaces[2 * index + 1])))
            }
        }
        if let attributes {
            for index in 0..<attributeCount {
                let fields = attributes + 5 * index
                guard let start = fields[3], let end = fields[4] else { continue }
                list.append((qualifiedName(fields[0], prefix: fields[1], uri: fields[2]), names.string(fields[2]), attributeText(start, end)))
            }
        }
        do {
            try builder.start(name: qualifiedName(localName, prefix: prefix, uri: uri), namespace: names.string(uri),
                              attributes: list, isEmpty: false)
        } catch {
            fail(error)
        }
    }

    /// The local name, or "prefix:local" when the prefix is declared nowhere (a namespace error
    /// libxml2 lets pass): the name its tree builder, and so the text reader, gives.
    private func qualifiedName(_ localName: UnsafePointer<xmlChar>?, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?) -> String {
        guard let prefix, uri == nil else { return names.string(localName) }
        return names.string(prefix) + ":" + names.string(localName)
    }

    /// An attribute value as SAX2 gives it: character references already replaced, except that
    /// every "&" stands as "&#38;" (libxml2 leaves it for a tree builder to decode).
    private func attributeText(_ start: UnsafePointer<xmlChar>, _ end: UnsafePointer<xmlChar>) -> String {
        let raw = UnsafeBufferPointer(start: start, count: end - start)
        guard raw.contains(UInt8(ascii: "&")) else { return XMLStreamReader.text(raw) }
        attributeValue.removeAll(keepingCapacity: true)
        var index = 0
        let escapedAmpersand: [UInt8] = Array("&#38;".utf8)
        while index < raw.count {
            if raw[index] == UInt8(ascii: "&"), index + 5 <= raw.count, raw[index..<(index + 5)].elementsEqual(escapedAmpersand) {
                attributeValue.append(UInt8(ascii: "&"))
                index += 5
            } else {
                attributeValue.append(raw[index])
                index += 1
            }
        }
        return attributeValue.withUnsafeBufferPointer { XMLStreamReader.text($0) }
    }

    private func endElement() {
        guard failure == nil else { return }
        flushText()
        do {
            if let name = mismatchedEndTag {
                mismatchedEndTag = nil
                try builder.end(matching: name)
            } else {
                try builder.end()
            }
        } catch {
            fail(error)
        }
    }

    /// libxml2's tree builder refuses a text node over 10 MB (without XML_PARSE_HUGE), and so
    /// does this pass, which builds no libxml2 tree.
    static let maxTextBytes = 10_000_000

    private func characters(_ bytes: UnsafePointer<xmlChar>, _ count: Int) {
        guard failure == nil else { return }
        guard pendingText.count + count <= Self.maxTextBytes else {
            fail(FeedParseError(.malformedXML, "a text of more than \(Self.maxTextBytes) bytes: refused"))
            return
        }
        pendingText.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }

    private static func pass(_ context: UnsafeMutableRawPointer?) -> XMLSAXPass? {
        context.map { Unmanaged<XMLSAXPass>.fromOpaque($0).takeUnretainedValue() }
    }

    private static func handler() -> xmlSAXHandler {
        var sax = xmlSAXHandler()
        sax.initialized = XML_SAX2_MAGIC
        sax.startElementNs = { context, localName, prefix, uri, namespaceCount, namespaces, attributeCount, _, attributes in
            guard let localName else { return }
            XMLSAXPass.pass(context)?.startElement(localName, prefix, uri, namespaceCount: Int(namespaceCount), namespaces,
                                        attributeCount: Int(attributeCount), attributes)
        }
        sax.endElementNs = { context, _, _, _ in XMLSAXPass.pass(context)?.endElement() }
        sax.characters = { context, bytes, count in
            guard let bytes, count > 0 else { return }
            XMLSAXPass.pass(context)?.characters(bytes, Int(count))
        }
        sax.cdataBlock = sax.characters
        sax.ignorableWhitespace = sax.characters
        sax.serror = { context, error in
            guard let error, let pass = XMLSAXPass.pass(context) else { return }
            pass.errors.record(error.pointee)
            if pass.recover, error.pointee.code == Int32(XML_ERR_TAG_NAME_MISMATCH.rawValue), let name = error.pointee.str2 {
                pass.mismatchedEndTag = String(cString: name)  // libxml2 ends an element next, which this names
                return
            }
            // Reading stops at the first fatal error, recovering or not, as the text reader
            // does: what was read before it stands (and a document cut short is called truncated).
            if error.pointee.level == XML_ERR_FATAL, let parser = pass.parser { xmlStopParser(parser) }
        }
        return sax
    }
}
