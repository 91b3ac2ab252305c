import CLibXML2

/// Makes feed HTML safe to publish: parsed by libxml2's HTML parser (never executed, never
/// fetched), then rebuilt from an allowlist. Dropped with their content: script, style, iframe,
/// form and the like; unknown elements are unwrapped (their text kept); attributes are
/// allowlisted per element, event handlers never pass; links and images keep http(s) URLs only
/// (mailto for links), resolved against the item's base; links get `rel="noopener noreferrer"`.
enum HTMLSanitizer {
    static func sanitize(_ html: String, base: String?) -> String {
        guard html.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else {
            return html.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var out = ""
        out.reserveCapacity(html.utf8.count)
        HTMLFragment.withBody(of: TextRepair.repairC1References(html)) { body in
            appendChildren(of: body, base: base, to: &out)
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed.
    static func plainText(_ html: String) -> String {
        guard html.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else {
            return collapseWhitespace(html)
        }
        var out = ""
        HTMLFragment.withBody(of: TextRepair.repairC1References(html)) { body in
            appendText(of: body, to: &out)
        }
        return collapseWhitespace(out)
    }

    /// Runs of white space become one space. Works on scalars: a space followed by a zero-width
    /// joiner is one Character, and that joiner must survive.
    static func collapseWhitespace(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in s.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            }
        }
        return String(out)
    }

    // MARK: - Allowlist

    private static let droppedWithContent: Set<String> = [
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
        "button", "select", "textarea", "noscript", "template", "head", "meta",
        "link", "base", "audio", "video", "source", "track", "param", "dialog", "portal",
    ]

    private static let allowedElements: Set<String> = [
        "a", "abbr", "acronym", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
        "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "time", "tr", "tt", "u", "ul", "var", "wbr",
    ]

    private static let voidElements: Set<String> = ["br", "hr", "img", "wbr", "col"]

    private static let allowedAttributes: [String: Set<String>] = [
        "a": ["href", "title", "hreflang"],
        "img": ["src", "alt", "title", "width", "height"],
        "abbr": ["title"], "acronym": ["title"],
        "blockquote": ["cite"], "q": ["cite"], "del": ["cite", "datetime"], "ins": ["cite", "datetime"],
        "time": ["datetime"],
        "td": ["colspan", "rowspan", "headers"], "th": ["colspan", "rowspan", "scope", "headers", "abbr"],
        "col": ["span"], "colgroup": ["span"],
        "ol": ["start", "reversed"], "li": ["value"],
    ]

    private static func appendChildren(of node: xmlNodePtr, base: String?, to out: inout String) {
        var child = node.pointee.children
        while let current = child {
            appendNode(current, base: base, to: &out)
            child = current.pointee.next
        }
    }

    private static func appendNode(_ node: xmlNodePtr, base: String?, to out: inout String) {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            if let content = node.pointee.content {
                out += MarkupEscaping.escapeText(String(cString: content))
            }
        case XML_ELEMENT_NODE:
            let name = node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
            if droppedWithContent.contains(name) { return }
            guard allowedElements.contains(name) else {
                appendChildren(of: node, base: base, to: &out)
                return
            }
            guard let attributes = safeAttributes(of: node, element: name, base: base) else {
                return  // an image without a safe source is dropped whole
            }
            out += "<" + name
            for (key, value) in attributes {
                out += " " + key + "=\"" + MarkupEscaping.escapeAttribute(value) + "\""
            }
            out += ">"
            if voidElements.contains(name) { return }
            appendChildren(of: node, base: base, to: &out)
            out += "</" + name + ">"
        default:
            return  // comments, processing instructions, DTD nodes
        }
    }

    /// nil when the element must not be published at all.
    private static func safeAttributes(of node: xmlNodePtr, element: String, base: String?) -> [(String, String)]? {
        let allowed = allowedAttributes[element] ?? []
        var result: [(String, String)] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            defer { attribute = current.pointee.next }
            guard let namePointer = current.pointee.name else { continue }
            let name = String(cString: namePointer).lowercased()
            guard allowed.contains(name) else { continue }
            guard let valuePointer = xmlGetProp(node, namePointer) else { continue }
            var value = String(cString: valuePointer)
            cv_xmlFree(valuePointer)
            if name == "href" || name == "src" || name == "cite" {
                guard let resolved = URLResolver.resolve(value, against: base) else { continue }
                let safe = name == "src" ? URLResolver.isSafeImage(resolved) : URLResolver.isSafeLink(resolved)
                guard safe else { continue }
                value = resolved
            }
            result.append((name, value))
        }
        if element == "img", !result.contains(where: { $0.0 == "src" }) { return nil }
        if element == "a", result.contains(where: { $0.0 == "href" }) {
            result.append(("rel", "noopener noreferrer"))
        }
        return result
    }

    private static func appendText(of node: xmlNodePtr, to out: inout String) {
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { out += String(cString: content) }
            case XML_ELEMENT_NODE:
                let name = current.pointee.name.map { String(cString: $0).lowercased() } ?? ""
                if !droppedWithContent.contains(name) {
                    if name == "br" || name == "p" || name == "div" || name == "li" { out += " " }
                    appendText(of: current, to: &out)
                }
            default:
                break
            }
            child = current.pointee.next
        }
    }
}

/// Parses an HTML fragment with libxml2 (no network, no error output) and lends its body.
enum HTMLFragment {
    static func withBody(of html: String, _ body: (xmlNodePtr) -> Void) {
        let wrapped = "<html><body>" + neutralizingDoctype(html) + "</body></html>"
        let options = HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_COMPACT.rawValue
        var copy = wrapped
        copy.withUTF8 { buffer in
            guard let base = buffer.baseAddress,
                  let document = htmlReadMemory(
                      UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(buffer.count), nil, "UTF-8", Int32(options))
            else { return }
            defer { xmlFreeDoc(document) }
            guard let root = xmlDocGetRootElement(document) else { return }
            var child = root.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE, let name = current.pointee.name,
                   String(cString: name) == "body" {
                    body(current)
                    return
                }
                child = current.pointee.next
            }
        }
    }

    /// A DOCTYPE inside a fragment is dropped; an unterminated one is text, not markup (else the
    /// HTML parser swallows the rest of the fragment).
    private static func neutralizingDoctype(_ html: String) -> String {
        guard let start = html.range(of: "<!doctype", options: .caseInsensitive) else { return html }
        if let end = html.range(of: ">", range: start.upperBound..<html.endIndex) {
            return String(html[..<start.lowerBound]) + neutralizingDoctype(String(html[end.upperBound...]))
        }
        return String(html[..<start.lowerBound]) + "&lt;" + html[html.index(after: start.lowerBound)...]
    }
}
