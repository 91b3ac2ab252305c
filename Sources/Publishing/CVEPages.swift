import Foundation
import Model

/// One page per CVE cited by published items (`cve/CVE-YYYY-NNNN/`), so that a reader coming
/// from a scanner report lands on one page: what the site knows of the flaw (CVSS, known
/// exploitation and its date, EPSS), where to read more (the CVE record, the CERT-FR document,
/// the advisories that cite it), and every item that cites it, newest first, urgent marked.
/// An index lists them by year. Every CVE shown elsewhere on the site links here.
struct CVEPage {
    var frame: PageFrame
    var id: String
    /// « 9,8 (CVSS version 3.1) », from an advisory's score for this CVE, or from an item about it alone.
    var cvss: String?
    var knownExploited: Bool
    var since: String?
    var due: String?
    var ransomware: Bool
    /// « 97,1 % (centile 99,8) ».
    var epss: String?
    var recordURL: String
    var certFR: String?
    var certFRURL: String?
    /// The advisories that cite it: their title, publisher and original.
    var advisories: [MentionView]
    var hasAdvisories: Bool
    var items: [ItemView]
    var itemCountText: String
}

extension SitePublisher {
    /// "CVE-2026-12345": the ids the site makes pages for (a path segment as it is).
    static func isCVEID(_ id: String) -> Bool { CVEIdentifier.normalized(id) == id }

    static func cvePath(_ id: String) -> String { "cve/\(id)/" }

    /// The CVEs published items cite, each with the indexes of those items (newest first, as `items` are).
    static func citedCVEs(_ items: [PublishedItem]) -> [String: [Int]] {
        var cited: [String: [Int]] = [:]
        for (index, item) in items.enumerated() {
            for cve in Set(item.cveDetails.map(\.cve)) where isCVEID(cve) { cited[cve, default: []].append(index) }
        }
        return cited
    }

    func writeCVEPages(_ items: [PublishedItem], views: [ItemView], cited: [String: [Int]], site: SiteView, to writer: SiteWriter) throws {
        let ids = cited.keys.sorted(by: >)
        let pages = ids.map { id in
            (Self.cvePath(id), fingerprint(["cve", id], cited[id]!.lazy.map { views[$0].fingerprint }))
        }
        try writer.writeAll(pages) { index in
            let id = ids[index]
            let citing = cited[id]!
            return try renderUTF8(cvePage(id, items: citing.map { items[$0] }, views: citing.map { views[$0] }, site: site), "cve")
        }
        // The index, by year, newest first; known-exploited ones say so.
        var years: [IndexGroup] = []
        for id in ids {
            let year = String(id.dropFirst(4).prefix(4))
            let exploited = cited[id]!.contains { items[$0].cveDetails.contains { $0.cve == id && $0.knownExploited } }
            let entry = IndexEntry(title: id, path: Self.cvePath(id), count: cited[id]!.count, detail: exploited ? strings["known_exploited"] : nil,
                                   countText: counted(cited[id]!.count, "items_count"))
            if years.last?.title == year { years[years.count - 1].entries.append(entry) } else { years.append(IndexGroup(title: year, entries: [entry])) }
        }
        let index = IndexPage(frame: frame(site, path: "cve/"), title: strings["cve_index_title"], lead: strings["cve_index_lead"], groups: years)
        try writer.write(try render(index, "index-page"), at: "cve/")
    }

    func cvePage(_ id: String, items: [PublishedItem], views: [ItemView], site: SiteView) -> CVEPage {
        let detail = items.lazy.flatMap(\.cveDetails).first { $0.cve == id }
        // CVSS: an advisory's score for this very CVE, else the score of an item about it alone.
        let scores = items.compactMap(\.advisory).flatMap(\.scores).filter { $0.cve == id }
        let cvss: String?
        if let best = scores.max(by: { $0.baseScore < $1.baseScore }) {
            cvss = decimal(best.baseScore, digits: 1) + " (CVSS version \(best.version))"
        } else {
            cvss = items.filter { Set($0.cves).count == 1 }.compactMap(\.cvss).max().map { decimal($0, digits: 1) }
        }
        let advisories = items.filter { $0.advisory != nil }.map { item -> MentionView in
            let link = item.link.flatMap { Self.isPublishableLink($0) ? $0 : nil }
            let tracking = item.advisory?.trackingID ?? ""
            let title = tracking.isEmpty || item.title.contains(tracking) ? item.title : "\(tracking) — \(item.title)"
            return MentionView(sourceTitle: item.sourceTitle, title: title, link: link ?? "", hasLink: link != nil)
        }
        let certFR = items.lazy.compactMap(Self.certFRDocument).first
        let epss = detail?.epss.map { probability -> String in
            decimal(probability * 100, digits: 1) + " %" + (detail?.epssPercentile.map { " (\(strings["epss_percentile"]) \(decimal($0 * 100, digits: 1)))" } ?? "")
        }
        return CVEPage(frame: frame(site, path: Self.cvePath(id)), id: id, cvss: cvss, knownExploited: detail?.knownExploited ?? false,
                       since: detail?.knownExploitedSince.map(dates.day(fromKey:)), due: detail?.remediationDue.map(dates.day(fromKey:)),
                       ransomware: detail?.knownRansomwareUse ?? false, epss: epss,
                       recordURL: "https://www.cve.org/CVERecord?id=" + id, certFR: certFR?.id, certFRURL: certFR?.url,
                       advisories: advisories, hasAdvisories: !advisories.isEmpty, items: views,
                       itemCountText: counted(views.count, "items_count"))
    }
}
