import Foundation
import Model

/// Atom 1.0 (RFC 4287) and Atom 0.3 into the universal model: text constructs (text, html,
/// xhtml, and 0.3's escaped/base64 modes), xml:base at every level, xml:lang, links by rel.
struct AtomTranslator {
    let format: FeedFormat

    private var ns: String { format == .atom03 ? NS.atom03 : NS.atom10 }

    static func isRecord(_ name: String, _ namespace: String) -> Bool {
        name == "entry" && (namespace == NS.atom10 || namespace == NS.atom03)
    }

    func item(_ node: XMLElementNode) -> ParsedItem {
        var item = ParsedItem()
        item.id = FieldReading.trimmed(node.first("id", ns))
        item.title = textConstructAsText(node.first("title", ns))
        item.link = link(in: node, rel: "alternate")
        item.summary = textConstructAsHTML(node.first("summary", ns))
        item.content = textConstructAsHTML(node.first("content", ns))
        if format == .atom03 {
            item.published = FieldReading.firstNonNil(
                FieldReading.date(node.first("issued", ns)), FieldReading.date(node.first("created", ns)))
            item.updated = FieldReading.date(node.first("modified", ns))
        } else {
            item.published = FieldReading.firstNonNil(
                FieldReading.date(node.first("published", ns)), FieldReading.date(node.first("issued", NS.dcterms)))
            item.updated = FieldReading.date(node.first("updated", ns))
        }
        item.authors = FieldReading.unique(node.all("author", ns).compactMap(person)
            + node.all("creator", NS.dc).compactMap { FieldReading.trimmed($0) })
        item.categories = FieldReading.unique(node.all("category", ns).compactMap {
            FieldReading.nonEmpty($0.attribute("term")) ?? FieldReading.nonEmpty($0.attribute("label"))
        } + node.all("subject", NS.dc).compactMap { FieldReading.trimmed($0) })
        item.enclosures = node.all("link", ns).compactMap { link in
            guard link.attribute("rel") == "enclosure",
                  let href = link.attribute("href").flatMap({ URLResolver.resolve($0, against: link.base) }) else { return nil }
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
        feed.updated = FieldReading.date(root.first(format == .atom03 ? "modified" : "updated", ns))
        return feed
    }

    private func person(_ node: XMLElementNode) -> String? {
        FieldReading.trimmed(node.first("name", ns)) ?? FieldReading.trimmed(node.first("email", ns))
    }

    /// The link with this rel (absent rel means alternate), preferring HTML ones.
    private func link(in node: XMLElementNode, rel: String) -> String? {
        let candidates = node.all("link", ns).filter { ($0.attribute("rel") ?? "alternate") == rel }
        let preferred = candidates.first { ($0.attribute("type") ?? "text/html").contains("html") } ?? candidates.first
        guard let preferred, let href = preferred.attribute("href") else { return nil }
        return URLResolver.resolve(href, against: preferred.base)
    }

    private enum Kind { case text, html, xhtml }

    private func kind(of node: XMLElementNode) -> Kind {
        let type = (node.attribute("type") ?? "text").lowercased()
        if type == "xhtml" || type == "application/xhtml+xml" { return .xhtml }
        if type == "html" || type == "text/html" { return .html }
        if format == .atom03 && node.attribute("mode") == "escaped" { return .html }
        if format == .atom03 && node.attribute("mode") == "xml" { return .xhtml }
        return type.hasPrefix("text/") || type == "text" ? .text : .html
    }

    /// The construct's markup: xhtml's content is the single div's children.
    private func markup(_ node: XMLElementNode) -> String {
        if format == .atom03, node.attribute("mode") == "base64",
           let data = Data(base64Encoded: node.text.filter { !$0.isWhitespace }) {
            return String(decoding: data, as: UTF8.self)
        }
        switch kind(of: node) {
        case .xhtml:
            if let div = node.first("div", NS.xhtml), node.elements.count == 1 { return div.innerMarkup }
            return node.innerMarkup
        case .html:
            return node.elements.isEmpty ? node.text : node.innerMarkup
        case .text:
            return MarkupEscaping.escapeText(node.text)
        }
    }

    private func textConstructAsText(_ node: XMLElementNode?) -> String? {
        guard let node else { return nil }
        if kind(of: node) == .text && node.attribute("mode") != "base64" {
            return FieldReading.nonEmpty(HTMLSanitizer.collapseWhitespace(node.text))
        }
        return FieldReading.nonEmpty(HTMLSanitizer.plainText(markup(node)))
    }

    private func textConstructAsHTML(_ node: XMLElementNode?) -> String? {
        guard let node else { return nil }
        if node.attribute("src") != nil, node.elements.isEmpty, node.text.isEmpty { return nil }  // out-of-line content
        return FieldReading.nonEmpty(HTMLSanitizer.sanitize(markup(node), base: node.base))
    }
}
