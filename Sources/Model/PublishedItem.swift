import Foundation

/// An item as the site shows it: stored content, its source and its tags.
public struct PublishedItem: Sendable, Equatable {
    public var id: Int64
    /// Survives a rebuilt database: derived from the source and the item's identity in it.
    public var stableKey: String
    public var sourceID: String
    public var sourceTitle: String
    public var title: String
    public var link: String?
    public var summary: String?
    public var content: String?
    public var authors: [String]
    public var published: Date?
    public var updated: Date?
    public var firstSeen: Date
    /// The date the item is listed under: its own, never later than first seen.
    public var listedAt: Date
    public var language: String?
    public var healthScore: Double
    public var health: Bool
    public var tags: [TagEvidence]
    public var cves: [String]
    /// The same CVEs with what the KEV catalog and EPSS say of them.
    public var cveDetails: [CVEDetail]
    /// The highest CVSS base score the item's text gives.
    public var cvss: Double?
    /// The other items of its story: the same news from other sources.
    public var alsoReportedBy: [StoryMention] = []
    /// For advisories (CSAF, CERT-FR, KEV): their structured facts and how they were verified.
    public var advisory: AdvisoryFacts?
    /// The editors' decision (nil: none yet), pin and note (sanitized HTML). `title` already
    /// is the editor's title when there is one.
    public var curationStatus: CurationStatus?
    public var pinned = false
    /// An editor marked it handled: no longer in the home page's priority block.
    public var handled = false
    /// When its curation last changed (for a withdrawn item: when it was withdrawn).
    public var decidedAt: Date?
    public var editorNoteHTML: String?
    /// How soon a health structure must act on it, and why (docs/urgency.md).
    public var urgency: UrgencyLevel = .normal
    public var urgencyReasons: [UrgencyReason] = []
    /// The products its text names (Tagging's ProductMatcher); an advisory's are in `advisory`.
    public var productMentions: [ProductMention] = []

    public init(
        id: Int64, stableKey: String, sourceID: String, sourceTitle: String, title: String, link: String?, summary: String?,
        content: String?, authors: [String], published: Date?, updated: Date?, firstSeen: Date,
        listedAt: Date, language: String?, healthScore: Double, health: Bool, tags: [TagEvidence], cves: [String],
        cveDetails: [CVEDetail] = [], cvss: Double? = nil
    ) {
        self.id = id
        self.stableKey = stableKey
        self.sourceID = sourceID
        self.sourceTitle = sourceTitle
        self.title = title
        self.link = link
        self.summary = summary
        self.content = content
        self.authors = authors
        self.published = published
        self.updated = updated
        self.firstSeen = firstSeen
        self.listedAt = listedAt
        self.language = language
        self.healthScore = healthScore
        self.health = health
        self.tags = tags
        self.cves = cves
        self.cveDetails = cveDetails.isEmpty ? cves.map { CVEDetail(cve: $0) } : cveDetails
        self.cvss = cvss
    }

    /// The date the item is listed under: published, else updated, else first seen.
    public var displayDate: Date { published ?? updated ?? firstSeen }
}

/// Another item telling the same story, as an item's page lists it.
public struct StoryMention: Sendable, Equatable {
    public var sourceTitle: String
    public var title: String
    public var link: String?

    public init(sourceTitle: String, title: String, link: String?) {
        self.sourceTitle = sourceTitle
        self.title = title
        self.link = link
    }
}
