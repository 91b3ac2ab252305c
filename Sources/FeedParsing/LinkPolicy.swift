import Model

/// What leaves the parser as a link: http(s) with a host, after the reader has trimmed and
/// decoded it (`WebLink`). An item's or a feed's `javascript:`, `data:`, `vbscript:` or `file:`
/// link — in any case, behind any white space — is dropped here, once for every dialect, so
/// that no later stage (the store, the site, the desk, `parse --json`) has to remember to.
enum LinkPolicy {
    static func restrict(_ item: ParsedItem) -> ParsedItem {
        var item = item
        if let link = item.link, !WebLink.isWeb(link) { item.link = nil }
        if item.enclosures.contains(where: { !WebLink.isWeb($0.url) }) { item.enclosures.removeAll { !WebLink.isWeb($0.url) } }
        return item
    }

    static func restrict(_ feed: ParsedFeed) -> ParsedFeed {
        var feed = feed
        if let link = feed.link, !WebLink.isWeb(link) { feed.link = nil }
        if feed.items.contains(where: { item in item.link.map { !WebLink.isWeb($0) } ?? false || item.enclosures.contains { !WebLink.isWeb($0.url) } }) {
            feed.items = feed.items.map(restrict)
        }
        return feed
    }
}
