import Foundation

/// The site's feeds and indexes: Atom (latest items), JSON Feed 1.1, the search index read by
/// the browser, the sitemap and robots.txt.
extension SitePublisher {
    func writeFeeds(_ items: [ItemView], site: SiteView, to writer: SiteWriter) throws {
        let latest = Array(items.prefix(self.site.itemsOnHome))
        let atom = AtomFeedPage(site: site, feedID: site.baseURL, title: site.title, selfURL: site.atomURL, alternateURL: site.baseURL,
                                updated: latest.map(\.updatedISO).max() ?? site.generatedAt, items: latest)
        try writer.write(try render(atom, "atom"), at: "atom.xml")
        try writer.write(try jsonFeed(latest, site: site), at: "feed.json")
        try writer.write(try searchIndex(items), at: "search.json")
    }

    /// JSON Feed 1.1 (https://jsonfeed.org/version/1.1), built as data rather than through a
    /// template so that it is always valid JSON.
    private func jsonFeed(_ items: [ItemView], site: SiteView) throws -> String {
        let feed: [String: Any] = [
            "version": "https://jsonfeed.org/version/1.1",
            "title": site.title, "description": site.description, "language": site.language,
            "home_page_url": site.baseURL, "feed_url": site.jsonFeedURL,
            "items": items.map { item -> [String: Any] in
                var entry: [String: Any] = [
                    "id": item.entryID, "url": item.url, "title": item.title, "date_published": item.dateISO,
                    "date_modified": item.updatedISO, "content_text": item.summaryText,
                    "tags": item.tags.map(\.label), "authors": [["name": item.authors ?? item.sourceTitle]],
                ]
                if let html = item.summaryHTML { entry["content_html"] = html }
                if let link = item.link { entry["external_url"] = link }
                if let language = item.language { entry["language"] = language }
                return entry
            },
        ]
        let data = try JSONSerialization.data(withJSONObject: feed, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// What the browser's search reads: per item its page, title, source, day, tags and text.
    private func searchIndex(_ items: [ItemView]) throws -> String {
        let entries = items.map { item -> [String: Any] in
            ["p": item.path, "t": item.title, "s": item.sourceTitle, "d": item.dayKey,
             "g": item.tags.map(\.label).joined(separator: " "), "x": String(item.summaryText.prefix(400))]
        }
        let data = try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    func writeSitemapAndRobots(to writer: SiteWriter) throws {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for path in writer.htmlPaths.sorted() {
            xml += "  <url><loc>\(Self.xmlEscaped(site.baseURL + path))</loc></url>\n"
        }
        xml += "</urlset>\n"
        try writer.write(xml, at: "sitemap.xml")
        try writer.write("User-agent: *\nAllow: /\nSitemap: \(site.baseURL)sitemap.xml\n", at: "robots.txt")
    }

    static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
