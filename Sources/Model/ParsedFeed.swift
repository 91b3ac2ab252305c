import Foundation

/// The feed dialects cyberveille reads. Raw values are the `format` strings of the parse contract.
public enum FeedFormat: String, Sendable, Codable {
    case rss20 = "rss2.0"
    case rss10 = "rss1.0"
    case rss09x = "rss0.9x"
    case atom10 = "atom1.0"
    case atom03 = "atom0.3"
    case jsonFeed = "jsonfeed"
    /// A CSAF 2.0 advisory: one document, one item.
    case csaf20 = "csaf2.0"
    /// A CERT-FR advisory or alert in its per-document JSON: one item.
    case certfr
    /// CISA's Known Exploited Vulnerabilities catalog: one item per entry.
    case kev
}

/// One feed document, translated from whatever dialect it came in into the universal model.
/// Titles are plain text; summaries and contents are sanitized HTML; links are absolute.
public struct ParsedFeed: Sendable, Equatable {
    public var format: FeedFormat
    public var title: String?
    public var link: String?
    public var description: String?
    public var language: String?
    public var updated: Date?
    public var items: [ParsedItem]
    /// True when libxml2 had to recover from ill-formed XML to read the document.
    public var recovered: Bool
    /// How long the feed asks readers to wait between polls (RSS ttl, sy:updatePeriod), in seconds.
    public var ttlSeconds: Int?

    public init(
        format: FeedFormat, title: String? = nil, link: String? = nil, description: String? = nil,
        language: String? = nil, updated: Date? = nil, items: [ParsedItem] = [], recovered: Bool = false
    ) {
        self.format = format
        self.title = title
        self.link = link
        self.description = description
        self.language = language
        self.updated = updated
        self.items = items
        self.recovered = recovered
    }
}

public struct ParsedItem: Sendable, Equatable {
    /// The item's own identifier (guid, Atom id, rdf:about, JSON Feed id), when it has one.
    public var id: String?
    public var title: String?
    public var link: String?
    public var summary: String?
    public var content: String?
    public var published: Date?
    public var updated: Date?
    public var authors: [String]
    public var categories: [String]
    public var enclosures: [Enclosure]
    /// xml:lang of the item, when the feed says.
    public var language: String?
    /// The structured facts of an advisory (CSAF, CERT-FR, KEV); nil for feed items.
    public var advisory: AdvisoryFacts?

    public init(
        id: String? = nil, title: String? = nil, link: String? = nil, summary: String? = nil,
        content: String? = nil, published: Date? = nil, updated: Date? = nil, authors: [String] = [],
        categories: [String] = [], enclosures: [Enclosure] = [], language: String? = nil, advisory: AdvisoryFacts? = nil
    ) {
        self.id = id
        self.title = title
        self.link = link
        self.summary = summary
        self.content = content
        self.published = published
        self.updated = updated
        self.authors = authors
        self.categories = categories
        self.enclosures = enclosures
        self.language = language
        self.advisory = advisory
    }
}

public struct Enclosure: Sendable, Equatable, Codable {
    public var url: String
    public var type: String?
    public var length: Int?

    public init(url: String, type: String? = nil, length: Int? = nil) {
        self.url = url
        self.type = type
        self.length = length
    }
}
