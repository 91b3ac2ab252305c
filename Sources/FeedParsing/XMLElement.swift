/// A small element tree, built by `XMLStreamReader` for one item (or the feed's own metadata)
/// at a time. Names are local names; namespaces are URIs.
final class XMLElementNode {
    enum Child {
        case element(XMLElementNode)
        case text(String)
        /// Long text kept as libxml2's UTF-8 (valid by construction, repaired already): the
        /// sanitizer reads it as bytes, and a String is only made when something asks for one.
        case utf8([UInt8])
    }

    let name: String
    let namespace: String
    var attributes: [(name: String, namespace: String, value: String)]
    var children: [Child] = []
    /// Effective base URI (xml:base and the document URL applied), for resolving relative URLs.
    let base: String?
    /// Effective xml:lang, inherited from ancestors.
    let language: String?

    init(name: String, namespace: String, attributes: [(name: String, namespace: String, value: String)], base: String?, language: String?) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.base = base
        self.language = language
    }

    func attribute(_ name: String, namespace: String = "") -> String? {
        attributes.first { $0.name == name && $0.namespace == namespace }?.value
    }

    var elements: [XMLElementNode] {
        children.compactMap { if case .element(let e) = $0 { e } else { nil } }
    }

    func first(_ name: String, _ namespace: String) -> XMLElementNode? {
        for case .element(let e) in children where e.name == name && e.namespace == namespace { return e }
        return nil
    }

    func all(_ name: String, _ namespace: String) -> [XMLElementNode] {
        var found: [XMLElementNode] = []
        for case .element(let e) in children where e.name == name && e.namespace == namespace { found.append(e) }
        return found
    }

    /// Child elements with this name whose namespace passes `accepts`.
    func all(_ name: String, where accepts: (String) -> Bool) -> [XMLElementNode] {
        var found: [XMLElementNode] = []
        for case .element(let e) in children where e.name == name && accepts(e.namespace) { found.append(e) }
        return found
    }

    /// Whether child `a` comes before child `b`.
    func isBefore(_ a: XMLElementNode, _ b: XMLElementNode) -> Bool {
        for case .element(let e) in children {
            if e === a { return true }
            if e === b { return false }
        }
        return false
    }

    /// All text below this element, in document order.
    var text: String {
        if children.count == 1 {
            if case .text(let only) = children[0] { return only }
            if case .utf8(let only) = children[0] { return String(decoding: only, as: UTF8.self) }
        }
        var out = ""
        appendText(to: &out)
        return out
    }

    /// The text as bytes when it is one long run (the usual description or content).
    var soleUTF8Text: [UInt8]? {
        guard children.count == 1, case .utf8(let only) = children[0] else { return nil }
        return only
    }

    private func appendText(to out: inout String) {
        for child in children {
            switch child {
            case .text(let t): out += t
            case .utf8(let bytes): out += String(decoding: bytes, as: UTF8.self)
            case .element(let e): e.appendText(to: &out)
            }
        }
    }

    /// The children re-serialized as markup (Atom `type="xhtml"`, RSS descriptions that carry
    /// unescaped XHTML). Only ever fed to the sanitizer, never published as is.
    var innerMarkup: String { String(decoding: innerMarkupUTF8, as: UTF8.self) }

    /// The same as UTF-8, built in one buffer (the sanitizer reads bytes).
    var innerMarkupUTF8: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        appendInnerMarkup(to: &out)
        return out
    }

    private func appendInnerMarkup(to out: inout [UInt8]) {
        for child in children {
            switch child {
            case .text(let t): ByteText.appendEscaped(t, attribute: false, to: &out)
            case .utf8(let bytes): bytes.withUnsafeBufferPointer { ByteText.appendEscapedText($0, to: &out) }
            case .element(let e): e.appendMarkup(to: &out)
            }
        }
    }

    private func appendMarkup(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: name.utf8)
        for a in attributes where a.namespace.isEmpty {
            out.append(0x20)
            out.append(contentsOf: a.name.utf8)
            out.append(contentsOf: "=\"".utf8)
            ByteText.appendEscaped(a.value, attribute: true, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: ">"))
        appendInnerMarkup(to: &out)
        out.append(contentsOf: "</".utf8)
        out.append(contentsOf: name.utf8)
        out.append(UInt8(ascii: ">"))
    }
}

/// Escaping for the markup the parser rebuilds (fed to the sanitizer, never published as is).
enum MarkupEscaping {
    static func escapeText(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "&") }) else { return s }
        return escaped(s, attribute: false)
    }

    static func escapeAttribute(_ s: String) -> String { escaped(s, attribute: true) }

    private static func escaped(_ s: String, attribute: Bool) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(s.utf8.count + 16)
        ByteText.appendEscaped(s, attribute: attribute, to: &output)
        return String(decoding: output, as: UTF8.self)
    }
}
