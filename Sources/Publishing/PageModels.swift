import Configuration
import Model

/// What templates see. Property names are the template contract, documented in docs/templates.md.
struct SiteView {
    var title: String
    var description: String
    var baseURL: String
    var language: String
    var atomURL: String
    var generatedAt: String
    var generatedAtHuman: String
}

struct ItemView {
    var entryID: String
    var title: String
    var link: String?
    var sourceTitle: String
    var dateISO: String
    var dateHuman: String
    /// The day section the item is listed in (by its listing date, in the site's time zone).
    var dayKey: String
    var dayHuman: String
    var updatedISO: String
    var authors: String?
    /// Sanitized HTML, rendered unescaped (`{{{summaryHTML}}}`).
    var summaryHTML: String?
    var health: Bool
    var score: String
    var tags: [TagView]
    var hasTags: Bool
    var cves: [CVEView]
    var hasCVEs: Bool
    /// The highest CVSS base score the item gives, e.g. "9.8".
    var cvss: String?
    var language: String?
}

struct CVEView {
    var id: String
    var knownExploited: Bool
    /// Day the CVE entered CISA's KEV catalog, and the remediation due date it sets.
    var since: String?
    var due: String?
    var epss: String?
}

struct TagView {
    var id: String
    var label: String
    var group: String
    /// Why the tag was set, e.g. « hôpital » (titre).
    var evidence: String
}

struct DayView {
    var dateISO: String
    var dateHuman: String
    var items: [ItemView]
}

struct HomePage {
    var site: SiteView
    /// From this page to the site's root ("" at the root, "../" one level down): pages link to
    /// each other relatively, so the site also works opened from disk or mounted anywhere.
    var rootPath: String
    var days: [DayView]
    var itemCount: Int
    var healthCount: Int
    var isEmpty: Bool
}

struct AtomFeedPage {
    var site: SiteView
    var feedID: String
    var updated: String
    var items: [ItemView]
}
