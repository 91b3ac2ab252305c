/// Namespace URIs of the feed dialects and their common modules.
enum NS {
    static let none = ""
    static let atom10 = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let rss10 = "http://purl.org/rss/1.0/"
    static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let dcterms = "http://purl.org/dc/terms/"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let media = "http://search.yahoo.com/mrss/"
    static let syndication = "http://purl.org/rss/1.0/modules/syndication/"
    static let xhtml = "http://www.w3.org/1999/xhtml"
    /// Userland's RSS 0.91 and "backend" namespaces seen in old feeds, read as plain RSS.
    static let rssAliases: Set<String> = ["", "http://backend.userland.com/rss2", "http://backend.userland.com/rss",
                                          "http://purl.org/net/rss1.1#"]
}
