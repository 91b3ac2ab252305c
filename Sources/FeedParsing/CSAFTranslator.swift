import Foundation
import Model

/// A CSAF 2.0 document (OASIS Common Security Advisory Framework,
/// https://docs.oasis-open.org/csaf/csaf/v2.0/) into one item: its mandatory fields are checked
/// (an error names the JSON pointer of the first one missing or invalid), and the facts that
/// matter for the watch — CVEs, products, CVSS scores, remediations, sectors, TLP — are kept as
/// `AdvisoryFacts`, and also written into the item's text so that tagging and search see them.
struct CSAFTranslator {
    let documentURL: String?

    static func isCSAF(_ root: [String: Any]) -> Bool {
        (root["document"] as? [String: Any])?["csaf_version"] != nil
    }

    func translate(_ root: [String: Any]) throws -> ParsedFeed {
        let fields = JSONFields(root, dialect: "CSAF")
        let document = try fields.object("document")
        let version = try document.string("csaf_version")
        guard version == "2.0" else { throw document.invalid("csaf_version", "unsupported version \"\(version)\" at") }
        let category = try document.string("category")
        let title = try document.string("title")
        let publisher = try document.object("publisher")
        let publisherName = try publisher.string("name")
        _ = try publisher.string("category")
        _ = try publisher.string("namespace")
        let tracking = try document.object("tracking")
        let trackingID = try tracking.string("id")
        let trackingVersion = try tracking.string("version")
        _ = try tracking.string("status")
        let initialRelease = try tracking.date("initial_release_date")
        let currentRelease = try tracking.date("current_release_date")
        for revision in try tracking.requiredObjects("revision_history") {
            _ = try revision.string("number")
            _ = try revision.date("date")
        }

        let notes = document.objects("notes")
        let sectors = notes.filter { ($0.optionalString("title") ?? "").lowercased().contains("sector") }
            .flatMap { Self.list($0.optionalString("text")) }
        let vulnerabilities = fields.objects("vulnerabilities")
        let cves = FieldReading.unique(vulnerabilities.compactMap { CVEIdentifier.normalized($0.optionalString("cve")) })
        let products = Self.productNames(fields.optionalObject("product_tree"))
        let scores = vulnerabilities.flatMap { vulnerability in
            vulnerability.objects("scores").compactMap { score -> AdvisoryScore? in
                let cve = CVEIdentifier.normalized(vulnerability.optionalString("cve"))
                for (key, version) in [("cvss_v4", "4.0"), ("cvss_v3", "3.x")] {
                    guard let cvss = score.optionalObject(key), let base = cvss.number("baseScore"), (0...10).contains(base) else { continue }
                    return AdvisoryScore(cve: cve, version: cvss.optionalString("version") ?? version, baseScore: base,
                                         vector: cvss.optionalString("vectorString"))
                }
                return nil
            }
        }
        let remediations = FieldReading.unique(vulnerabilities.flatMap { vulnerability in
            vulnerability.objects("remediations").compactMap { remediation in
                remediation.optionalString("details").map { details in
                    let category = remediation.optionalString("category").map { $0.replacingOccurrences(of: "_", with: " ") + ": " } ?? ""
                    return category + details
                }
            }
        })
        let references = document.objects("references").compactMap { reference -> AdvisoryReference? in
            guard let url = AdvisoryLink.web(reference.optionalString("url")) else { return nil }
            return AdvisoryReference(url: url, summary: reference.optionalString("summary"))
        }
        let tlp = document.optionalObject("distribution")?.optionalObject("tlp")?.optionalString("label")?.lowercased()

        var item = ParsedItem(id: trackingID, title: HTMLSanitizer.collapseWhitespace(title))
        item.link = Self.webLink(references, documentURL: documentURL)
        item.published = initialRelease
        item.updated = currentRelease
        item.authors = [publisherName]
        item.categories = [category]
        item.language = FieldReading.language(document.optionalString("lang"))
        let summaryNote = notes.first { $0.optionalString("category") == "summary" }
            ?? vulnerabilities.lazy.flatMap { $0.objects("notes") }.first { $0.optionalString("category") == "summary" }
        item.summary = summaryNote?.optionalString("text").map { MarkupEscaping.escapeText(HTMLSanitizer.collapseWhitespace($0)) }

        var body = AdvisoryHTML()
        body.paragraph("\(trackingID), version \(trackingVersion) — \(publisherName)")
        for note in notes where ["summary", "other"].contains(note.optionalString("category") ?? "") {
            let heading = note.optionalString("title").map { $0 + ": " } ?? ""
            body.paragraph(heading + (note.optionalString("text") ?? ""))
        }
        body.section("Vulnerabilities", vulnerabilities.map { vulnerability in
            let cve = vulnerability.optionalString("cve") ?? "(no CVE)"
            let name = vulnerability.optionalString("title") ?? vulnerability.optionalObject("cwe")?.optionalString("name")
            let score = vulnerability.objects("scores").lazy.compactMap { $0.optionalObject("cvss_v3") ?? $0.optionalObject("cvss_v4") }.first
            let cvss = score.flatMap { $0.number("baseScore") }.map { " — CVSS \($0)" + (score?.optionalString("vectorString").map { " (\($0))" } ?? "") } ?? ""
            return cve + (name.map { ": " + $0 } ?? "") + cvss
        })
        body.section("Products", products)
        body.section("Remediations", remediations, limit: 20)
        body.links("References", references.map { ($0.url, $0.summary ?? $0.url) })
        item.content = body.html

        item.advisory = AdvisoryFacts(
            kind: .csaf, trackingID: trackingID, version: trackingVersion, initialRelease: initialRelease,
            currentRelease: currentRelease, cves: cves, products: Array(products.prefix(Self.productLimit)), tlp: tlp,
            scores: Array(scores.prefix(Self.listLimit)), remediations: Array(remediations.prefix(Self.listLimit)),
            references: Array(references.prefix(Self.listLimit)), sectors: Array(sectors.prefix(Self.listLimit)),
            vendorProducts: Array(Self.vendorProducts(fields.optionalObject("product_tree")).prefix(Self.productLimit)))
        var feed = ParsedFeed(format: .csaf20, title: publisherName, items: [item])
        feed.link = AdvisoryLink.web(publisher.optionalString("namespace"))
        feed.updated = currentRelease
        feed.language = item.language
        return feed
    }

    static let productLimit = 500
    /// Scores, remediations, references and sectors kept per advisory: the facts are stored and
    /// shown whole, so a hostile document must not make them unbounded.
    static let listLimit = 200

    /// The full names of the product tree's leaves, its standalone full_product_names and its
    /// relationships, in document order, each once.
    static func productNames(_ tree: JSONFields?) -> [String] {
        guard let tree else { return [] }
        var names: [String] = []
        func walk(_ branch: JSONFields, depth: Int) {
            guard depth < 32 else { return }  // the schema has no bound; a hostile document gets one
            if let name = branch.optionalObject("product")?.optionalString("name") { names.append(name) }
            for child in branch.objects("branches") { walk(child, depth: depth + 1) }
        }
        for branch in tree.objects("branches") { walk(branch, depth: 0) }
        names += tree.objects("full_product_names").compactMap { $0.optionalString("name") }
        names += tree.objects("relationships").compactMap { $0.optionalObject("full_product_name")?.optionalString("name") }
        return FieldReading.unique(names.map(HTMLSanitizer.collapseWhitespace))
    }

    /// Each `product_name` branch with the `vendor` branch above it (a `product_family` may sit
    /// between): the products without their versions, which the branches below them list.
    static func vendorProducts(_ tree: JSONFields?) -> [VendorProduct] {
        guard let tree else { return [] }
        var pairs: [VendorProduct] = []
        var seen = Set<VendorProduct>()
        func walk(_ branch: JSONFields, vendor: String?, depth: Int) {
            guard depth < 32 else { return }  // as productNames: a hostile document gets a bound
            var vendor = vendor
            switch branch.optionalString("category") {
            case "vendor": vendor = branch.optionalString("name")
            case "product_name":
                if let pair = VendorProduct.from(vendor: vendor, product: branch.optionalString("name")), seen.insert(pair).inserted {
                    pairs.append(pair)
                }
            default: break
            }
            for child in branch.objects("branches") { walk(child, vendor: vendor, depth: depth + 1) }
        }
        for branch in tree.objects("branches") { walk(branch, vendor: nil, depth: 0) }
        return pairs
    }

    /// "Chemical, Energy, and Healthcare and Public Health" → each sector.
    static func list(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split(separator: ",").map { part in
            var entry = part.trimmingCharacters(in: .whitespacesAndNewlines)
            if entry.hasPrefix("and ") { entry.removeFirst(4) }
            return entry
        }.filter { !$0.isEmpty }
    }

    /// A web page about the advisory: a reference that is not the JSON document itself, else
    /// the document's own URL.
    static func webLink(_ references: [AdvisoryReference], documentURL: String?) -> String? {
        let pages = references.filter { !$0.url.lowercased().hasSuffix(".json") }
        return pages.first?.url ?? references.first?.url ?? documentURL.flatMap(AdvisoryLink.web)
    }
}
