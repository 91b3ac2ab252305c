import Foundation
import Model

/// RSS 0.90, 0.91, 0.92–0.94, 1.0 (RDF, with dc/content modules) and 2.0 with its common
/// namespaces (content:encoded, dc:*, dcterms:*, media:*, atom:link) into the universal model.
struct RSSTranslator {
    let format: FeedFormat
    /// The namespace of the root element: RSS's own elements live there, or in one of the aliases.
    let namespace: String

    private func isOwn(_ elementNamespace: String) -> Bool {
        elementNamespace == namespace || NS.rssAliases.contains(elementNamespace)
            || elementNamespace == NS.rss10 || elementNamespace == NS.rss090
    }

    func isRecord(_ name: String, _ elementNamespace: String) -> Bool {
        name == "item" && isOwn(elementNamespace)
    }

    private func own(_ element: XMLElementNode, _ name: String) -> XMLElementNode? {
        if let found = element.first(name, namespace) { return found }
        for case .element(let e) in element.children where e.name == name && isOwn(e.namespace) { return e }
        return nil
    }

    private func allOwn(_ element: XMLElementNode, _ name: String) -> [XMLElementNode] {
        element.all(name, where: isOwn)
    }

    /// Atom elements inside RSS (atom:title, atom:id, atom:summary, atom:content,
    /// atom:published), read as Atom reads them, where the RSS element is missing.
    private static let atom = AtomTranslator(format: .atom10, namespace: NS.atom10)

    func item(_ node: XMLElementNode) -> ParsedItem {
        var item = ParsedItem()
        item.title = FieldReading.plainText(own(node, "title") ?? node.first("title", NS.dc))
            ?? Self.atom.textConstructAsText(node.first("title", NS.atom10))

        let guid = own(node, "guid")
        let guidText = FieldReading.trimmed(guid)
        let guidIsPermalink = guid.map { ($0.attribute("isPermaLink") ?? "true").lowercased() != "false" } ?? false
        let alternate = node.all("link", NS.atom10).first { ($0.attribute("rel") ?? "alternate") == "alternate" }

        item.link = FieldReading.firstNonNil(
            FieldReading.link(own(node, "link")),
            alternate.flatMap { $0.attribute("href") }.flatMap { URLResolver.resolve($0, against: alternate?.base) },
            guidIsPermalink ? guidText.flatMap { URLResolver.hasScheme($0) ? $0 : nil } : nil,
            node.attribute("about", namespace: NS.rdf).flatMap { URLResolver.resolve($0, against: node.base) })
        item.id = FieldReading.firstNonNil(guidText, node.attribute("about", namespace: NS.rdf), FieldReading.trimmed(node.first("id", NS.atom10)),
                                           item.link)

        let description = own(node, "description") ?? node.first("description", NS.dc)
            ?? node.first("abstract", NS.dcterms)
        let fullText = node.first("encoded", NS.content) ?? own(node, "fullitem")
        if let xhtmlBody = node.first("body", NS.xhtml) ?? node.first("div", NS.xhtml) {
            item.content = HTMLSanitizer.sanitize(utf8: xhtmlBody.innerMarkupUTF8, base: xhtmlBody.base)
        } else {
            item.content = FieldReading.html(fullText)
        }
        // A non-standard <summary> beside <description>: the first is the summary, the later
        // the full text (feedparser's reading, which readers have come to expect).
        if let summary = own(node, "summary") {
            let first = description.map { node.isBefore($0, summary) ? $0 : summary } ?? summary
            let later = first === summary ? description : summary
            item.summary = FieldReading.html(first)
            if item.content == nil { item.content = FieldReading.html(later) }
        } else {
            item.summary = FieldReading.html(description)
        }
        if item.summary == nil { item.summary = Self.atom.textConstructAsHTML(node.first("summary", NS.atom10)) }
        if item.content == nil { item.content = Self.atom.textConstructAsHTML(node.first("content", NS.atom10)) }

        item.published = FieldReading.firstNonNil(
            FieldReading.date(own(node, "pubDate")), FieldReading.date(node.first("date", NS.dc)),
            FieldReading.date(node.first("issued", NS.dcterms)), FieldReading.date(node.first("created", NS.dcterms)),
            FieldReading.date(node.first("published", NS.atom10)))
        item.updated = FieldReading.firstNonNil(
            FieldReading.date(node.first("modified", NS.dcterms)), FieldReading.date(node.first("updated", NS.atom10)))

        var authors = allOwn(node, "author").compactMap { FieldReading.trimmed($0).flatMap(FieldReading.authorName) }
        authors += (node.all("creator", NS.dc) + node.all("author", NS.dc))
            .compactMap { FieldReading.trimmed($0).flatMap(FieldReading.authorName) }
        authors += node.all("author", NS.atom10).compactMap {
            FieldReading.trimmed($0.first("name", NS.atom10)) ?? FieldReading.trimmed($0.first("email", NS.atom10))
        }
        item.authors = FieldReading.unique(authors)

        // <tags>a, b</tags>, a convention of some blog engines, comes before the categories.
        var categories = allOwn(node, "tags").flatMap { ($0.text).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
        categories += allOwn(node, "category").compactMap { FieldReading.trimmed($0) }
        categories += node.all("subject", NS.dc).compactMap { FieldReading.trimmed($0) }
        item.categories = FieldReading.unique(categories)

        var enclosures: [Enclosure] = allOwn(node, "enclosure").compactMap { element in
            guard let url = element.attribute("url").flatMap({ URLResolver.resolve($0, against: element.base) }) else { return nil }
            return Enclosure(url: url, type: FieldReading.nonEmpty(element.attribute("type")),
                             length: element.attribute("length").flatMap { Int(ByteText.trimmed($0)) })
        }
        for media in node.all("content", NS.media) + node.all("group", NS.media).flatMap({ $0.all("content", NS.media) }) {
            guard let url = media.attribute("url").flatMap({ URLResolver.resolve($0, against: media.base) }),
                  !enclosures.contains(where: { $0.url == url }) else { continue }
            enclosures.append(Enclosure(url: url, type: FieldReading.nonEmpty(media.attribute("type")),
                                        length: media.attribute("fileSize").flatMap { Int($0) }))
        }
        item.enclosures = enclosures
        item.language = node.language
        return item
    }

    func feed(root: XMLElementNode, items: [ParsedItem], recovered: Bool) -> ParsedFeed {
        let channel = own(root, "channel") ?? root
        var feed = ParsedFeed(format: format, items: items, recovered: recovered)
        feed.title = FieldReading.plainText(own(channel, "title") ?? channel.first("title", NS.dc))
        let alternate = channel.all("link", NS.atom10).first { ($0.attribute("rel") ?? "alternate") == "alternate" }
        feed.link = FieldReading.firstNonNil(
            FieldReading.link(own(channel, "link")),
            alternate.flatMap { $0.attribute("href") }.flatMap { URLResolver.resolve($0, against: alternate?.base) })
        feed.description = FieldReading.html(own(channel, "description") ?? channel.first("description", NS.dc))
        feed.language = FieldReading.firstNonNil(
            FieldReading.language(own(channel, "language")?.text), FieldReading.language(channel.first("language", NS.dc)?.text),
            channel.language)
        feed.ttlSeconds = Self.ttl(channel: channel, ttl: own(channel, "ttl"))
        feed.updated = FieldReading.firstNonNil(
            FieldReading.date(own(channel, "lastBuildDate")), FieldReading.date(own(channel, "pubDate")),
            FieldReading.date(channel.first("date", NS.dc)), FieldReading.date(channel.first("modified", NS.dcterms)))
        return feed
    }

    /// RSS 2.0 `<ttl>` (minutes), else the syndication module's period and frequency.
    private static func ttl(channel: XMLElementNode, ttl: XMLElementNode?) -> Int? {
        if let minutes = ttl.flatMap({ Int(ByteText.trimmed($0.text)) }), minutes > 0 { return min(minutes, 7 * 24 * 60) * 60 }
        let period: Int
        switch FieldReading.trimmed(channel.first("updatePeriod", NS.syndication))?.lowercased() {
        case "hourly": period = 3600
        case "daily": period = 86_400
        case "weekly": period = 7 * 86_400
        case "monthly": period = 30 * 86_400
        case "yearly": period = 365 * 86_400
        default: return nil
        }
        let frequency = FieldReading.trimmed(channel.first("updateFrequency", NS.syndication)).flatMap { Int($0) } ?? 1
        return period / max(1, frequency)
    }
}
