import Foundation
import Model

/// Atom 1.0 (RFC 4287) and Atom 0.3 into the universal model: text constructs (text, html,
/// xhtml, and 0.3's escaped/base64 modes), xml:base at every level, xml:lang, links by rel.
struct AtomTranslator {
    let format: FeedFormat
    /// The root element's namespace, where Atom's elements live in this document.
    let namespace: String

    private var ns: String { namespace }

    func isRecord(_ name: String, _ elementNamespace: String) -> Bool {
        name == "entry" && elementNamespace == namespace
    }

    func item(_ node: XMLElementNode) -> ParsedItem {
        var item = ParsedItem()
        item.id = FieldReading.trimmed(node.first("id", ns))
        item.title = textConstructAsText(node.first("title", ns))
        item.link = link(in: node, rel: "alternate")
        item.summary = textConstructAsHTML(node.first("summary", ns))
        item.content = textConstructAsHTML(node.first("content", ns))
        // 1.0 names first, then 0.3's; a repeated element counts by its last occurrence.
        item.published = FieldReading.firstNonNil(
            FieldReading.date(node.all("published", ns).last), FieldReading.date(node.all("issued", ns).last),
            FieldReading.date(node.all("created", ns).last), FieldReading.date(node.first("issued", NS.dcterms)))
        item.updated = FieldReading.firstNonNil(
            FieldReading.date(node.all("updated", ns).last), FieldReading.date(node.all("modified", ns).last))
        item.authors = FieldReading.unique(node.all("author", ns).compactMap(person)
            + node.all("creator", NS.dc).compactMap { FieldReading.trimmed($0) })
        item.categories = FieldReading.unique(node.all("category", ns).compactMap {
            FieldReading.nonEmpty($0.attribute("term")) ?? FieldReading.nonEmpty($0.attribute("label"))
        } + node.all("subject", NS.dc).compactMap { FieldReading.trimmed($0) })
        item.enclosures = node.all("link", ns).compactMap { link in
            guard link.attribute("rel") == "enclosure", let href = href(of: link) else { return nil }
            return Enclosure(url: href, type: FieldReading.nonEmpty(link.attribute("type")),
                             length: link.attribute("length").flatMap { Int($0) })
        }
        item.language = node.language
        return item
    }

    func feed(root: XMLElementNode, items: [ParsedItem], recovered: Bool) -> ParsedFeed {
        var feed = ParsedFeed(format: format, items: items, recovered: recovered)
        feed.title = textConstructAsText(root.first("title", ns))
        feed.link = link(in: root, rel: "alternate")
        feed.description = textConstructAsHTML(root.first(format == .atom03 ? "tagline" : "subtitle", ns))
        feed.language = root.language
        feed.updated = FieldReading.firstNonNil(FieldReading.date(root.all("updated", ns).last),
                                                FieldReading.date(root.all("modified", ns).last))
        return feed
    }

    private func person(_ node: XMLElementNode) -> String? {
        FieldReading.trimmed(node.first("name", ns)) ?? FieldReading.trimmed(node.first("email", ns))
    }

    /// The link with this rel (absent rel means alternate), preferring HTML ones.
    private func link(in node: XMLElementNode, rel: String) -> String? {
        let candidates = node.all("link", ns).filter { ($0.attribute("rel") ?? "alternate") == rel && href(of: $0) != nil }
        let preferred = candidates.first { ($0.attribute("type") ?? "text/html").contains("html") } ?? candidates.first
        return preferred.flatMap(href)
    }

    /// href, or the element's text as some Atom 0.3 feeds put it.
    private func href(of link: XMLElementNode) -> String? {
        guard let raw = FieldReading.nonEmpty(link.attribute("href")) ?? FieldReading.nonEmpty(link.text) else { return nil }
        return URLResolver.resolve(raw, against: link.base)
    }

    private enum Kind { case text, html, xhtml }

    /// Atom 1.0 types (text, html, xhtml, or a MIME type) and 0.3 modes (xml, escaped, base64).
    private func kind(of node: XMLElementNode) -> Kind {
        let type = (node.attribute("type") ?? "text").lowercased()
        if type == "xhtml" || type == "application/xhtml+xml" {
            return format == .atom03 && node.attribute("mode") == "escaped" ? .html : .xhtml
        }
        if type == "html" || type == "text/html" { return .html }
        if format == .atom03 && node.attribute("mode") == "escaped" && type != "text/plain" { return .html }
        return .text
    }

    /// Content is base64 when Atom 0.3 says mode="base64", or when Atom 1.0 gives a MIME type
    /// that is neither text nor XML (RFC 4287, 4.1.3.3).
    private func isBase64(_ node: XMLElementNode) -> Bool {
        if node.attribute("mode") == "base64" { return true }
        guard format == .atom10, let type = node.attribute("type")?.lowercased(), type.contains("/") else { return false }
        return !type.hasPrefix("text/") && !type.hasSuffix("+xml") && !type.hasSuffix("/xml")
    }

    /// The construct's content as markup: xhtml's is the single div's children; html's is its
    /// text; text is escaped.
    private func markup(_ node: XMLElementNode) -> String {
        if isBase64(node), let data = Data(base64Encoded: node.text.filter { !$0.isWhitespace }) {
            let decoded = String(decoding: data, as: UTF8.self)
            return kind(of: node) == .html ? decoded : MarkupEscaping.escapeText(decoded)
        }
        switch kind(of: node) {
        case .xhtml:
            if let div = node.first("div", NS.xhtml), node.elements.count == 1 { return div.innerMarkup }
            return node.innerMarkup
        case .html:
            return node.text
        case .text:
            return MarkupEscaping.escapeText(node.text)
        }
    }

    func textConstructAsText(_ node: XMLElementNode?) -> String? {
        guard let node else { return nil }
        if kind(of: node) == .text {
            let text = isBase64(node) ? String(decoding: Data(base64Encoded: node.text.filter { !$0.isWhitespace }) ?? Data(), as: UTF8.self)
                                      : node.text
            return HTMLSanitizer.collapseWhitespace(text)
        }
        return HTMLSanitizer.plainText(markup(node))
    }

    func textConstructAsHTML(_ node: XMLElementNode?) -> String? {
        guard let node else { return nil }
        if node.attribute("src") != nil, node.elements.isEmpty, node.text.isEmpty { return nil }  // out-of-line content
        // The usual cases read as bytes; base64 and text go through `markup`.
        if !isBase64(node) {
            switch kind(of: node) {
            case .html:
                if let bytes = node.soleUTF8Text { return HTMLSanitizer.sanitize(utf8: bytes, base: node.base) }
            case .xhtml:
                let body = node.elements.count == 1 ? node.first("div", NS.xhtml) ?? node : node
                return HTMLSanitizer.sanitize(utf8: body.innerMarkupUTF8, base: node.base)
            case .text:
                break
            }
        }
        return HTMLSanitizer.sanitize(markup(node), base: node.base)
    }
}
