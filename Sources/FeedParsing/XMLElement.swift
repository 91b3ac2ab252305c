/// A small element tree, built by `XMLStreamReader` for one item (or the feed's own metadata)
/// at a time. Names are local names; namespaces are URIs.
final class XMLElementNode {
    enum Child {
        case element(XMLElementNode)
        case text(String)
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
        if children.count == 1, case .text(let only) = children[0] { return only }
        var out = ""
        appendText(to: &out)
        return out
    }

    private func appendText(to out: inout String) {
        for child in children {
            switch child {
            case .text(let t): out += t
            case .element(let e): e.appendText(to: &out)
            }
        }
    }

    /// The children re-serialized as markup (Atom `type="xhtml"`, RSS descriptions that carry
    /// unescaped XHTML). Only ever fed to the sanitizer, never published as is.
    var innerMarkup: String {
        var out = ""
        for child in children {
            switch child {
            case .text(let t): out += MarkupEscaping.escapeText(t)
            case .element(let e): e.appendMarkup(to: &out)
            }
        }
        return out
    }

    private func appendMarkup(to out: inout String) {
        out += "<" + name
        for a in attributes where a.namespace.isEmpty {
            out += " " + a.name + "=\"" + MarkupEscaping.escapeAttribute(a.value) + "\""
        }
        out += ">"
        out += innerMarkup
        out += "</" + name + ">"
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
