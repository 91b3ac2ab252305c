import Model

/// What leaves the parser as a link: http(s) with a host, after the reader has trimmed and
/// decoded it (`WebLink`). An item's or a feed's `javascript:`, `data:`, `vbscript:` or `file:`
/// link — in any case, behind any white space — is dropped here, once for every dialect, so
/// that no later stage (the store, the site, the desk, `parse --json`) has to remember to.
///
/// A relative reference stays as written when there was no base to resolve it against (a file
/// read from disk without xml:base): it names no scheme, so it runs nothing, and the site never
/// links it (it publishes http(s) links only).
enum LinkPolicy {
    static func isAllowed(_ link: String) -> Bool {
        WebLink.isWeb(link) || (URLResolver.scheme(of: link) == nil && !link.utf8.contains { $0 <= 0x20 || $0 == 0x7F || $0 == 0x5C })
    }

    static func restrict(_ item: ParsedItem) -> ParsedItem {
        var item = item
        if let link = item.link, !isAllowed(link) { item.link = nil }
        if item.enclosures.contains(where: { !isAllowed($0.url) }) { item.enclosures.removeAll { !isAllowed($0.url) } }
        return item
    }

    static func restrict(_ feed: ParsedFeed) -> ParsedFeed {
        var feed = feed
        if let link = feed.link, !isAllowed(link) { feed.link = nil }
        if feed.items.contains(where: { item in item.link.map { !isAllowed($0) } ?? false || item.enclosures.contains { !isAllowed($0.url) } }) {
            feed.items = feed.items.map(restrict)
        }
        return feed
    }
}
