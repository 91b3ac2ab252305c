import Dispatch

/// Turns a stream of element, text and end events (from libxml2's text reader or from its SAX2
/// interface) into the trees `XMLStreamReader` hands out: one per record as it closes, and the
/// root with everything else. Applies xml:base and xml:lang as it goes.
final class ElementTreeBuilder {
    typealias Attribute = (name: String, namespace: String, value: String)

    let documentURL: String?
    let limits: FeedParserLimits
    let deadline: UInt64
    private let onRoot: (XMLElementNode) throws -> (_ name: String, _ namespace: String) -> Bool
    private let onRecord: (XMLElementNode) throws -> Void

    private(set) var stack: [XMLElementNode] = []
    private(set) var root: XMLElementNode?
    private(set) var rootClosed = false
    private var isRecord: (String, String) -> Bool = { _, _ in false }
    private var elementsRead = 0

    init(documentURL: String?, limits: FeedParserLimits, deadline: UInt64,
         onRoot: @escaping (XMLElementNode) throws -> (_ name: String, _ namespace: String) -> Bool,
         onRecord: @escaping (XMLElementNode) throws -> Void) {
        self.documentURL = documentURL
        self.limits = limits
        self.deadline = deadline
        self.onRoot = onRoot
        self.onRecord = onRecord
    }

    /// libxml2's own bound, which only its tree builder applies (SAX2 has none): deeper
    /// documents are hostile, and trees this deep would exhaust the stack of any recursive walk.
    static let maxDepth = 256

    func start(name: String, namespace: String, attributes: [Attribute], isEmpty: Bool) throws {
        guard stack.count < Self.maxDepth else {
            throw FeedParseError(.malformedXML, "excessive depth in document: elements nested more than \(Self.maxDepth) deep")
        }
        elementsRead += 1
        if elementsRead & 1023 == 0, DispatchTime.now().uptimeNanoseconds > deadline {
            throw FeedParseError(.timeLimit, "parsing took longer than \(limits.maxSeconds) s")
        }
        let parent = stack.last
        var base = parent?.base ?? documentURL
        var language = parent?.language
        for attribute in attributes where attribute.namespace == "http://www.w3.org/XML/1998/namespace" {
            if attribute.name == "base" { base = URLResolver.resolve(attribute.value, against: base) ?? base }
            if attribute.name == "lang" { language = FieldReading.language(attribute.value) }
        }
        let node = XMLElementNode(name: name, namespace: namespace, attributes: attributes, base: base, language: language)
        if root == nil {
            root = node
            isRecord = try onRoot(node)
        } else if let parent, !isRecord(name, namespace) {
            parent.children.append(.element(node))
        }
        if isEmpty {
            try close(node, isRoot: stack.isEmpty)
        } else {
            stack.append(node)
        }
    }

    func end() throws {
        guard let node = stack.popLast() else { return }
        try close(node, isRoot: stack.isEmpty)
    }

    /// An end tag that is not the innermost element's (broken inline XHTML): it ends the element
    /// it names and every element opened inside it, as HTML parsers and feedparser do; an end tag
    /// that names no open element is ignored.
    func end(matching localName: String) throws {
        guard let index = stack.lastIndex(where: { Self.localName($0.name) == localName }) else { return }
        while stack.count > index { try end() }
    }

    private static func localName(_ name: String) -> Substring {
        name.lastIndex(of: ":").map { name[name.index(after: $0)...] } ?? name[...]
    }

    /// Text of the innermost open element (text outside the root is dropped).
    func text(_ text: String) {
        stack.last?.children.append(.text(text))
    }

    /// Text already repaired, as bytes (see `XMLElementNode.Child.utf8`).
    func text(utf8 bytes: [UInt8]) {
        stack.last?.children.append(.utf8(bytes))
    }

    /// "</rss" without its ">" at the very end: nothing is missing but one character.
    func acceptUnfinishedRootEndTag() {
        rootClosed = true
    }

    /// The document ended with its root's end tag, but mismatched end tags inside (broken inline
    /// XHTML, say) left elements open that libxml2's recovery never closed: they are closed here,
    /// innermost first, so that the records among them are delivered.
    func closeEverythingOpen() throws {
        while !stack.isEmpty { try end() }
    }

    private func close(_ node: XMLElementNode, isRoot: Bool) throws {
        if isRoot {
            rootClosed = true
        } else if isRecord(node.name, node.namespace) {
            try onRecord(node)
        }
    }
}
