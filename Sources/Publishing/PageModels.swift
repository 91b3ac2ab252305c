import Config
import Model

// The views that most pages look up (the site, the frame) or that come in lists are classes:
// a template value holding a class is one reference, where a struct of several strings was
// copied into a new box at every lookup.

/// What templates see. Property names are the template contract, documented in docs/templates.md.
final class SiteView: Sendable {
    let title: String
    let description: String
    let baseURL: String
    let language: String
    let atomURL: String
    let jsonFeedURL: String
    let generatedAt: String
    let generatedAtHuman: String
    /// The published alerts not yet closed: a banner on every page.
    let alerts: [AlertBannerView]
    /// Who runs the site, how to reach them (a mailto: or http(s) link and its text), their
    /// logo in the site ("assets/logo.svg"), and the accessibility statement's level in words.
    let `operator`: String?
    let contactHref: String?
    let contactLabel: String?
    let logo: String?
    let accessibility: String

    init(title: String, description: String, baseURL: String, language: String, atomURL: String, jsonFeedURL: String, generatedAt: String,
         generatedAtHuman: String, alerts: [AlertBannerView] = [], operator: String? = nil, contactHref: String? = nil,
         contactLabel: String? = nil, logo: String? = nil, accessibility: String = "") {
        self.operator = `operator`
        self.contactHref = contactHref
        self.contactLabel = contactLabel
        self.logo = logo
        self.accessibility = accessibility
        self.title = title
        self.description = description
        self.baseURL = baseURL
        self.language = language
        self.atomURL = atomURL
        self.jsonFeedURL = jsonFeedURL
        self.generatedAt = generatedAt
        self.generatedAtHuman = generatedAtHuman
        self.alerts = alerts
    }
}

/// An open sector alert, as every page's banner shows it.
final class AlertBannerView: Sendable {
    let title: String
    let severity: String
    let severityID: String
    /// The alert's page, relative to the site root ("alertes/cs-2026-001/").
    let path: String
    let products: String
    let requiredAction: String?

    init(title: String, severity: String, severityID: String, path: String, products: String, requiredAction: String?) {
        self.title = title
        self.severity = severity
        self.severityID = severityID
        self.path = path
        self.products = products
        self.requiredAction = requiredAction
    }
}

/// What every page has: the site, the interface strings, and its way back to the root.
final class PageFrame: Sendable {
    let site: SiteView
    /// `{{t.key}}`: interface strings in the site's language (Templates/locales).
    let t: [String: String]
    /// From this page to the site's root ("" at the root, "../" one level down): pages link to
    /// each other relatively, so the site also works opened from disk or mounted anywhere.
    let rootPath: String
    /// This page's absolute URL (canonical link, sitemap).
    let pageURL: String

    init(site: SiteView, t: [String: String], rootPath: String, pageURL: String) {
        self.site = site
        self.t = t
        self.rootPath = rootPath
        self.pageURL = pageURL
    }
}

/// A class: the same view is listed on many pages (tags, sources, editions, feeds), and a
/// struct of thirty fields was copied, field by field, into every one of those lists.
final class ItemView: Sendable {
    /// Changes whenever anything the item's page shows does.
    let fingerprint: String
    let entryID: String
    /// The item's own page, relative to the site root ("items/0123abcd/").
    let path: String
    let url: String
    let title: String
    let link: String?
    let sourceID: String
    let sourcePath: String
    let sourceTitle: String
    let dateISO: String
    let dateHuman: String
    /// The day section the item is listed in (by its listing date, in the site's time zone).
    let dayKey: String
    let dayHuman: String
    let updatedISO: String
    let authors: String?
    /// Sanitized HTML, rendered unescaped (`{{{summaryHTML}}}`).
    let summaryHTML: String?
    /// Plain text of the summary, for JSON Feed and the search index: made when asked (the
    /// daily run makes a view of every item, and writes the text of a few).
    var summaryText: String { summaryHTML.map(PlainText.from(html:)) ?? "" }
    let health: Bool
    /// The health score as a decimal in the site's language ("0,84"), shown in the details only.
    let score: String
    /// Why the item concerns health, in words: « Concerne la santé — Imagerie médicale : « PACS » (titre) ».
    let healthReason: String?
    /// The products its text names, each linked to its page, with the words that named it.
    let productLinks: [ProductLink]
    let tags: [TagView]
    let hasTags: Bool
    let cves: [CVEView]
    let hasCVEs: Bool
    let knownExploited: Bool
    /// The highest CVSS base score the item gives, e.g. "9.8".
    let cvss: String?
    let language: String?
    let alsoReportedBy: [MentionView]
    let hasMentions: Bool
    /// For advisories (CSAF, CERT-FR, KEV): what the document says as data.
    let advisory: AdvisoryView?
    /// An editor pinned it (the edition's first section) and may have written a note about it
    /// (sanitized HTML, rendered unescaped: `{{{editorNoteHTML}}}`).
    let pinned: Bool
    let editorNoteHTML: String?
    /// "urgent", "high" or "normal" (the CSS class and the feeds' wording), its label in the
    /// site's language (nil when normal), and its reasons in words.
    let urgency: String
    let isUrgent: Bool
    let urgencyLabel: String?
    /// The reasons of an urgent or high item (none for a routine one), put in words only when a
    /// page asks (`{{#urgencyReasons}}`): the daily run makes a view of every item of the archive
    /// and shows few reasons.
    let urgencyReasons: [UrgencyReason]
    /// For the priority block: what is exploited (products, CVEs), and the sentence that gives
    /// the fix or workaround, when the text has one.
    let exploitedWhat: String?
    let fixText: String?

    init(fingerprint: String, entryID: String, path: String, url: String, title: String, link: String? = nil, sourceID: String, sourcePath: String, sourceTitle: String, dateISO: String, dateHuman: String, dayKey: String, dayHuman: String, updatedISO: String, authors: String? = nil, summaryHTML: String? = nil, health: Bool, score: String, healthReason: String? = nil, productLinks: [ProductLink] = [], tags: [TagView], hasTags: Bool, cves: [CVEView], hasCVEs: Bool, knownExploited: Bool, cvss: String? = nil, language: String? = nil, alsoReportedBy: [MentionView], hasMentions: Bool, advisory: AdvisoryView? = nil, pinned: Bool = false, editorNoteHTML: String? = nil, urgency: String = "normal", urgencyLabel: String? = nil, urgencyReasons: [UrgencyReason] = [], exploitedWhat: String? = nil, fixText: String? = nil) {
        self.fingerprint = fingerprint
        self.entryID = entryID
        self.path = path
        self.url = url
        self.title = title
        self.link = link
        self.sourceID = sourceID
        self.sourcePath = sourcePath
        self.sourceTitle = sourceTitle
        self.dateISO = dateISO
        self.dateHuman = dateHuman
        self.dayKey = dayKey
        self.dayHuman = dayHuman
        self.updatedISO = updatedISO
        self.authors = authors
        self.summaryHTML = summaryHTML
        self.health = health
        self.score = score
        self.healthReason = healthReason
        self.productLinks = productLinks
        self.tags = tags
        self.hasTags = hasTags
        self.cves = cves
        self.hasCVEs = hasCVEs
        self.knownExploited = knownExploited
        self.cvss = cvss
        self.language = language
        self.alsoReportedBy = alsoReportedBy
        self.hasMentions = hasMentions
        self.advisory = advisory
        self.pinned = pinned
        self.editorNoteHTML = editorNoteHTML
        self.urgency = urgency
        isUrgent = urgency == "urgent"
        self.urgencyLabel = urgencyLabel
        self.urgencyReasons = urgency == "normal" ? [] : urgencyReasons.filter { $0.kind != .flaw }
        self.exploitedWhat = exploitedWhat
        self.fixText = fixText
    }
}

struct AdvisoryView {
    var trackingID: String
    var version: String?
    var initialHuman: String?
    var currentHuman: String?
    /// "signed", "hash-verified", "unverified"; nil when the document was not fetched as one.
    var verificationState: String?
    var verificationDetail: String?
    var products: [String]
    var hasProducts: Bool
    /// « Medirad — PACS Server »: each vendor with each product, without versions.
    var vendorProducts: [ProductLink] = []
    /// How many products are not listed (the page shows the first ones).
    var moreProducts: Int
    var risks: [String]
    var hasRisks: Bool
    var remediations: [String]
    var hasRemediations: Bool
    var sectors: String?
    var requiredAction: String?
}

final class MentionView: Sendable {
    let sourceTitle: String
    let title: String
    /// Empty when there is no publishable link (an optional would let Mustache find the
    /// enclosing item's link instead).
    let link: String
    let hasLink: Bool

    init(sourceTitle: String, title: String, link: String, hasLink: Bool) {
        self.sourceTitle = sourceTitle
        self.title = title
        self.link = link
        self.hasLink = hasLink
    }
}

final class CVEView: Sendable {
    let id: String
    let knownExploited: Bool
    /// Day the CVE entered CISA's KEV catalog, and the remediation due date it sets for US
    /// federal agencies, in words.
    let since: String?
    let due: String?
    let epss: String?
    /// The CVE's page on the site ("cve/CVE-2026-1234/"), its record (cve.org), and the CERT-FR
    /// document of the site that cites it, if any.
    let path: String?
    let recordURL: String
    let certFR: String?
    let certFRURL: String?

    init(id: String, knownExploited: Bool, since: String?, due: String?, epss: String?, certFR: (id: String, url: String)? = nil) {
        self.path = SitePublisher.isCVEID(id) ? SitePublisher.cvePath(id) : nil
        self.recordURL = "https://www.cve.org/CVERecord?id=" + id
        self.certFR = certFR?.id
        self.certFRURL = certFR?.url
        self.id = id
        self.knownExploited = knownExploited
        self.since = since
        self.due = due
        self.epss = epss
    }
}

final class TagView: Sendable {
    let id: String
    let label: String
    let group: String
    let groupLabel: String
    /// Why the tag was set, e.g. « hôpital » (titre).
    let evidence: String
    let path: String

    init(id: String, label: String, group: String, groupLabel: String, evidence: String, path: String) {
        self.id = id
        self.label = label
        self.group = group
        self.groupLabel = groupLabel
        self.evidence = evidence
        self.path = path
    }
}

struct DayView {
    var dateISO: String
    var dateHuman: String
    var items: [ItemView]
}

/// A section of an edition: items of one theme.
struct ThemeView {
    var id: String
    var title: String
    var items: [ItemView]
}

struct EditionLink {
    var dateISO: String
    var dateHuman: String
    var path: String
    var count: Int
}

struct EditionPage {
    var frame: PageFrame
    var dateISO: String
    var dateHuman: String
    var isHome: Bool
    var itemCount: Int
    /// « 1 élément de veille pour le secteur de la santé ».
    var itemCountText: String
    var themes: [ThemeView]
    var isEmpty: Bool
    var previousEditions: [EditionLink]
    var hasPreviousEditions: Bool
    /// The home page's « À traiter en priorité »: urgent items of the last days, newest first.
    var priority: [ItemView] = []
}

struct ItemPage {
    var frame: PageFrame
    var item: ItemView
}

final class PageLink: Sendable {
    let number: Int
    let path: String
    let isCurrent: Bool
    /// The listing's own address, shown by name (its number changes as the archive grows).
    let isNewest: Bool
    /// Stands for pages not linked (shown as "…").
    let isGap: Bool

    init(number: Int, path: String, isCurrent: Bool, isNewest: Bool = false, isGap: Bool = false) {
        self.number = number
        self.path = path
        self.isCurrent = isCurrent
        self.isNewest = isNewest
        self.isGap = isGap
    }

    static let gap = PageLink(number: 0, path: "", isCurrent: false, isGap: true)
}

/// A paginated list of items: a tag's or a source's page.
struct ListingPage {
    var frame: PageFrame
    var title: String
    var lead: String?
    var feedURL: String?
    var items: [ItemView]
    var pages: [PageLink]
    var hasPages: Bool
    var previousPath: String?
    var nextPath: String?
    var pageNumber: Int
    /// Any page but the newest (which is at the listing's own address).
    var isArchivedPage: Bool
}

struct IndexEntry {
    var title: String
    var path: String
    var count: Int
    var detail: String?
    /// « 1 élément », « 3 éléments ».
    var countText: String = ""
}

struct IndexGroup {
    var title: String
    var entries: [IndexEntry]
}

/// A page that lists other pages: archives, tags, sources.
struct IndexPage {
    var frame: PageFrame
    var title: String
    var lead: String
    var groups: [IndexGroup]
}

struct StaticPage {
    var frame: PageFrame
}

struct AtomFeedPage {
    var site: SiteView
    var feedID: String
    var title: String
    var selfURL: String
    var alternateURL: String
    var updated: String
    var items: [ItemView]
    /// Interface strings, for the words entries carry (urgency, source, editor's note).
    var t: [String: String] = [:]
}

/// The page an item keeps once editors withdrew it.
struct WithdrawnPage {
    var frame: PageFrame
    var title: String
    var sourceTitle: String
    var link: String?
    /// When it was withdrawn.
    var dateISO: String
    var dateHuman: String
}

struct EditionEntry {
    var entryID: String
    var url: String
    var title: String
    var dateISO: String
    var summary: String
    /// The edition's items as an HTML list of links (escaped once here, once more by the template).
    var contentHTML: String
}

struct EditionsFeedPage {
    var site: SiteView
    var feedID: String
    var title: String
    var selfURL: String
    var updated: String
    var editions: [EditionEntry]
}
