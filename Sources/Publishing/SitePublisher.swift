import Config
import Foundation
import Model

/// Renders the site into the output folder, all or nothing: the daily editions (the home page
/// is the latest), every item's page, tag, source and archive pages, the fixed pages, and the
/// feeds (Atom for the site, each tag and the editions; JSON Feed), with a sitemap and a search
/// index. Publishing is a list of steps over the same items, each writing its pages.
public struct SitePublisher: Sendable {
    public struct Report: Sendable, Equatable {
        /// HTML pages and feeds rendered (assets not counted).
        public var pagesWritten: Int
        /// Pages whose inputs had not changed, taken as they were published.
        public var pagesReused: Int = 0
        public var outputDirectory: String
        /// Files found changed or missing in the folder updated, or not written by the publisher
        /// (removed); the changed and missing ones were written again.
        public var filesRepaired: Int = 0
    }

    let templates: TemplateSet
    let templatesDirectory: String
    let site: SiteSettings
    let tagsByID: [String: TagDefinition]
    let tagOrder: [String]
    /// Search words the rules treat as one, for `search/synonyms.json`.
    let synonyms: SearchSynonyms
    let dates: HumanDates
    let strings: SiteStrings
    /// Everything besides its own data that a page depends on: the templates, interface strings
    /// and assets, the site settings and the tags. Part of every page's fingerprint.
    /// What every page depends on (templates, settings, tags) and, for one publication, the open
    /// alerts every page's banner shows.
    private(set) var siteFingerprint: String
    /// What every item's tag views share, by tag id: made once, not once per item.
    private let tagParts: [String: TagParts]
    /// Field names ("title" → "titre") in the site's language.
    private let fieldNames: [String: String]

    private struct TagParts: Sendable {
        var label: String
        var group: String
        var groupLabel: String
        var path: String
    }
    /// The site's host name, in Atom entry ids.
    let host: String

    /// Changes whenever this code renders pages differently (formats, paths, page models): part
    /// of every page's fingerprint, so that an upgrade renders the whole site again.
    static let renderVersion = "2026-12-08.5"

    /// Items per page of a tag's or a source's listing.
    static let pageSize = 50

    public init(templatesDirectory: String, site: SiteSettings, tags: [TagDefinition], synonyms: SearchSynonyms = .none) throws {
        self.synonyms = synonyms
        self.templates = try TemplateSet(directory: templatesDirectory,
                                         required: ["edition", "item-page", "listing", "index-page", "atom", "editions-atom", "observatory", "alerts", "alert", "alerts-atom",
                                                    "withdrawn", "cve", "parc"])
        self.templatesDirectory = templatesDirectory
        self.site = site
        self.tagsByID = Dictionary(tags.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.tagOrder = tags.map(\.id)
        guard let timeZone = TimeZone(identifier: site.timeZone) else {
            throw PublishError("unknown time zone \"\(site.timeZone)\" (expected an IANA name such as Europe/Paris)")
        }
        self.dates = HumanDates(language: site.language, timeZone: timeZone)
        self.host = URL(string: site.baseURL)?.host ?? "cyberveille"
        self.strings = try SiteStrings(templatesDirectory: templatesDirectory, language: site.language)
        let english = site.language.hasPrefix("en")
        let strings = self.strings
        self.tagParts = tagsByID.mapValues { definition in
            TagParts(label: english ? definition.labelEN : definition.labelFR, group: definition.group,
                     groupLabel: strings["group_\(definition.group)"], path: Self.tagPath(definition.id))
        }
        self.fieldNames = Self.fieldNamesByLanguage[english ? "en" : "fr"] ?? [:]
        var hasher = PageFingerprint()
        hasher.combine(Self.renderVersion)
        for part in [site.title, site.description, site.baseURL, site.language, site.timeZone, "\(site.itemsOnHome)",
                     site.remoteImages.rawValue, site.operator, site.contact, site.logoPath ?? "", site.accessibility.rawValue] { hasher.combine(part) }
        for tag in tags { hasher.combine(list: [tag.id, tag.group, tag.labelFR, tag.labelEN]) }
        let root = URL(fileURLWithPath: templatesDirectory)
        for file in (FileManager.default.subpaths(atPath: root.path) ?? []).sorted() {
            hasher.combine(file)
            hasher.combine(FileManager.default.contents(atPath: root.appendingPathComponent(file).path).map { String(decoding: $0, as: UTF8.self) })
        }
        siteFingerprint = hasher.hex
    }

    /// A page's fingerprint: the site's, and the fingerprints of what the page shows.
    func fingerprint(_ parts: [String]) -> String {
        fingerprint(parts, EmptyCollection())
    }

    /// `fingerprint(parts + rest)` without making the list: `rest` is a listing's items'
    /// fingerprints or the sitemap's paths, by the thousand, on every run.
    func fingerprint(_ parts: [String], _ rest: some Collection<String>) -> String {
        var hasher = PageFingerprint()
        hasher.combine(siteFingerprint)
        hasher.combine(count: parts.count + rest.count)
        for part in parts { hasher.combine(part) }
        for part in rest { hasher.combine(part) }
        return hasher.hex
    }

    /// The latest `updatedISO` of the items (all written alike, so compared as text), without
    /// making a list of them.
    static func latestUpdate(of items: some Sequence<ItemView>) -> String? {
        var latest: String?
        for item in items where latest.map({ item.updatedISO > $0 }) ?? true { latest = item.updatedISO }
        return latest
    }

    /// `items`: what may be published, newest first.
    /// `observatories`: the incident statistics of closed years, as fixed when first published;
    /// `scheduledObservatoryReports`: the years still to come, which the observatory announces;
    /// neither, no observatory pages. `alerts`: the sector alerts that are public. `withdrawn`: items
    /// editors withdrew after publication, whose pages stay at their address and say so.
    public func publish(items: [PublishedItem], observatories: [Observatory] = [],
                        scheduledObservatoryReports: [ScheduledObservatoryReport] = [], alerts: [SectorAlert] = [],
                        alertVersions: [String: [AlertPublication]] = [:],
                        withdrawn: [PublishedItem] = [], to outputDirectory: String, now: Date = Date(), full: Bool = false) throws -> Report {
        // A published alert not yet closed is on every page: opening or closing one changes them all.
        let banners = alerts.filter { $0.status == .published || $0.status == .updated }.map(alertBanner)
        var run = self
        var hasher = PageFingerprint()
        hasher.combine(siteFingerprint)
        for banner in banners { hasher.combine(list: [banner.path, banner.title, banner.severity, banner.severityID]) }
        run.siteFingerprint = hasher.hex
        return try run.publishPages(items: items, observatories: observatories, scheduled: scheduledObservatoryReports,
                                    alerts: alerts, alertVersions: alertVersions, banners: banners,
                                    withdrawn: withdrawn, to: outputDirectory, now: now, full: full)
    }

    private func publishPages(items: [PublishedItem], observatories: [Observatory], scheduled: [ScheduledObservatoryReport],
                              alerts: [SectorAlert], alertVersions: [String: [AlertPublication]], banners: [AlertBannerView],
                              withdrawn: [PublishedItem], to outputDirectory: String, now: Date, full: Bool) throws -> Report {
        let output = URL(fileURLWithPath: outputDirectory).standardizedFileURL
        let staging = try StagingDirectory(for: output, full: full)
        let writer = SiteWriter(staging: staging, baseURL: site.baseURL)
        do {  // a failure leaves the served site as it is; the folder being written is rebuilt next time
            let siteView = makeSiteView(items: items, banners: banners, now: now)
            let views = itemViews(items)
            // Urgent items stay on the home page for days, not only in the edition of their own day.
            let priorityFrom = generationDate(items: items, now: now).addingTimeInterval(-Double(site.priorityDays) * 86_400)
            let priority = zip(items, views).filter { $0.0.urgency == .urgent && !$0.0.handled && $0.0.listedAt >= priorityFrom }.map(\.1)
            try writeEditions(views, priority: priority, site: siteView, to: writer)
            try writeItemPages(views, site: siteView, to: writer)
            try writeWithdrawnPages(withdrawn, site: siteView, to: writer)
            try writeTagPages(views, site: siteView, to: writer)
            try writeSourcePages(views, site: siteView, to: writer)
            try writeStaticPages(site: siteView, to: writer)
            try writeObservatory(observatories, scheduled: scheduled, site: siteView, to: writer)
            let catalog = Self.productCatalog(items)
            let productPages = Set(catalog.vendors.flatMap { $0.products.map(\.path) })
            try writeAlerts(alerts, versions: alertVersions, items: items, productPages: productPages, site: siteView, to: writer)
            try writeCVEPages(items, views: views, cited: Self.citedCVEs(items), site: siteView, to: writer)
            try writeProductPages(catalog, views: views, site: siteView, to: writer)
            try writeFeeds(views, products: catalog, site: siteView, to: writer)
            try writeSitemapAndRobots(to: writer)
            try writer.writeAssets(from: URL(fileURLWithPath: templatesDirectory).appendingPathComponent("assets"), into: "assets/")
            if let logo = site.logoPath, let path = logoAsset { try writer.writeAsset(URL(fileURLWithPath: logo), at: path) }
            // Files for the site's root as they are (Output/README.md, which git keeps: the folder is generated and public).
            try writer.writeAssets(from: URL(fileURLWithPath: templatesDirectory).appendingPathComponent("root"), into: "")
            try staging.commit(manifest: writer.manifest, order: writer.files)
        }
        return Report(pagesWritten: writer.pages, pagesReused: writer.reused, outputDirectory: output.path, filesRepaired: staging.repaired)
    }

    /// Puts back the site as it was before the last publication (`publish --rollback`).
    public static func rollback(outputDirectory: String) throws {
        try StagingDirectory.rollback(URL(fileURLWithPath: outputDirectory).standardizedFileURL)
    }

    /// The generation date is that of the newest item, not the clock: the same database gives
    /// the same site, byte for byte.
    private func makeSiteView(items: [PublishedItem], banners: [AlertBannerView], now: Date) -> SiteView {
        let newest = generationDate(items: items, now: now)
        let contact = site.contact.trimmingCharacters(in: .whitespaces)
        let contactHref = contact.isEmpty ? nil : contact.contains("@") && !contact.contains("/") ? "mailto:" + contact
            : Self.isPublishableLink(contact) ? contact : nil
        return SiteView(title: site.title, description: site.description, baseURL: site.baseURL, language: site.language,
                        atomURL: site.baseURL + "atom.xml", jsonFeedURL: site.baseURL + "feed.json",
                        generatedAt: ISO8601UTC.string(from: newest), generatedAtHuman: dates.day(newest), alerts: banners,
                        operator: site.operator.isEmpty ? nil : site.operator, contactHref: contactHref,
                        contactLabel: contactHref == nil ? nil : contact, logo: logoAsset,
                        accessibility: strings["accessibility_\(site.accessibility.rawValue)"])
    }

    /// Where the operator's logo is in the site.
    var logoAsset: String? {
        site.logoPath.map { "assets/logo." + URL(fileURLWithPath: $0).pathExtension.lowercased() }
    }

    /// The newest item's date, clamped to the publication time: a feed that dates an item in
    /// the future must not date the site.
    private func generationDate(items: [PublishedItem], now: Date) -> Date {
        min(items.map { $0.updated ?? $0.listedAt }.max() ?? now, max(now, items.map(\.firstSeen).max() ?? now))
    }

    /// The frame of a page at `path` (relative to the root, "" or ending in "/").
    func frame(_ site: SiteView, path: String) -> PageFrame {
        let depth = path.split(separator: "/").count
        return PageFrame(site: site, t: strings.values, rootPath: String(repeating: "../", count: depth),
                         pageURL: self.site.baseURL + path)
    }

    func render(_ page: some TemplateObject, _ template: String) throws -> String { try templates.render(page, template) }
    func render(_ context: [String: Any], _ template: String) throws -> String { try templates.render(context, template) }
    func renderUTF8(_ page: some TemplateObject, _ template: String) throws -> [UInt8] { try templates.renderUTF8(.object(page), template) }

    /// Every item's view, made on every core: a view is a pure function of its item, and the
    /// daily run makes one for each item of the archive (to know which pages changed).
    func itemViews(_ items: [PublishedItem]) -> [ItemView] {
        let certFR = Self.certFRDocuments(items)
        return items.concurrentMap { itemView($0, certFR: certFR) }
    }

    /// The CERT-FR document of the site that cites each CVE (the newest), for links next to the
    /// CVE wherever it appears.
    static func certFRDocuments(_ items: [PublishedItem]) -> [String: (id: String, url: String)] {
        var documents: [String: (id: String, url: String, date: Date)] = [:]
        for item in items where !item.cves.isEmpty {
            guard let document = certFRDocument(item) else { continue }
            for cve in item.cves where (documents[cve]?.date ?? .distantPast) < item.displayDate {
                documents[cve] = (document.id, document.url, item.displayDate)
            }
        }
        return documents.mapValues { ($0.id, $0.url) }
    }

    /// "CERTFR-2026-AVI-0001" and its page, when the item is a CERT-FR document: one read in
    /// the CERT-FR format, published on cert.ssi.gouv.fr, or from a source whose id says CERT-FR
    /// (the operator's word, not a feed's: any feed may write "CERTFR-" in its links). Its own
    /// address is kept only from CERT-FR's site or such a source; otherwise the official one.
    static func certFRDocument(_ item: PublishedItem) -> (id: String, url: String)? {
        let url = item.link.flatMap(URL.init(string:))
        let fromLink = url?.pathComponents.last { $0.uppercased().hasPrefix("CERTFR-") }?.uppercased()
        let tracking = item.advisory?.trackingID.uppercased()
        let trusted = url?.host?.lowercased().hasSuffix("cert.ssi.gouv.fr") == true || item.sourceID.lowercased().contains("certfr")
        guard trusted || item.advisory?.kind == .certfr,
              let id = tracking?.hasPrefix("CERTFR-") == true ? tracking : fromLink else { return nil }
        if trusted, fromLink == id, let link = item.link, isPublishableLink(link) { return (id, link) }
        let kind = id.contains("-ALE-") ? "alerte" : id.contains("-ACT-") ? "actualite" : id.contains("-CTI-") ? "cti" : "avis"
        return (id, "https://www.cert.ssi.gouv.fr/\(kind)/\(id)/")
    }

    /// « 1 élément », « 2 éléments »: `key` names the plural in the locale file, `key_one` the
    /// singular (French takes it for 0 and 1, English for 1).
    func counted(_ value: Int, _ key: String) -> String {
        let english = site.language.hasPrefix("en")
        let singular = english ? value == 1 : abs(value) < 2
        let word = singular ? strings.values[key + "_one"] ?? strings[key] : strings[key]
        return (english ? String(value) : FrenchFormat.integer(value)) + " " + word
    }

    /// A decimal as the site's language writes it: « 9,8 » in French, "9.8" in English.
    func decimal(_ value: Double, digits: Int) -> String {
        let text = String(format: "%.\(digits)f", value)
        return site.language.hasPrefix("en") ? text : text.replacingOccurrences(of: ".", with: ",")
    }

    /// Why the item concerns health, from the tag of the most specific health group the rules
    /// found (a device before a health technology before a kind of structure).
    func healthReason(_ item: PublishedItem) -> String? {
        guard item.health else { return nil }
        let rank = ["dispositif": 0, "technologie": 1, "secteur": 2]
        var best: (rank: Int, evidence: TagEvidence, label: String)?
        for evidence in item.tags where !evidence.tagID.isEmpty {
            guard let parts = tagParts[evidence.tagID], let order = rank[parts.group], order < (best?.rank ?? .max) else { continue }
            best = (order, evidence, parts.label)
        }
        guard let best else { return strings["health_reason"] }
        let field = fieldNames[best.evidence.field] ?? best.evidence.field
        return "\(strings["health_reason"]) — \(best.label) : « \(best.evidence.matchedText) » (\(field))"
    }

    func itemView(_ item: PublishedItem, certFR: [String: (id: String, url: String)] = [:]) -> ItemView {
        var tags: [TagView] = []
        for evidence in item.tags where !evidence.tagID.isEmpty && !tags.contains(where: { $0.id == evidence.tagID }) {
            // A tag the taxonomy no longer defines is shown by its id.
            let parts = tagParts[evidence.tagID]
                ?? TagParts(label: evidence.tagID, group: "", groupLabel: strings["group_"], path: Self.tagPath(evidence.tagID))
            let field = fieldNames[evidence.field] ?? evidence.field
            tags.append(TagView(id: evidence.tagID, label: parts.label, group: parts.group, groupLabel: parts.groupLabel,
                                evidence: "« \(evidence.matchedText) » (\(field))", path: parts.path))
        }
        let path = "items/\(item.stableKey)/"
        let cves = item.cveDetails.map {
            CVEView(id: $0.cve, knownExploited: $0.knownExploited, since: $0.knownExploitedSince.map(dates.day(fromKey:)),
                    due: $0.remediationDue.map(dates.day(fromKey:)), epss: $0.epss.map { decimal($0, digits: 2) }, certFR: certFR[$0.cve])
        }
        // The CERT-FR documents its CVEs link to come from other items: part of what the page shows.
        var fingerprint = Self.fingerprint(of: item)
        let cited = cves.compactMap { cve in cve.certFRURL.map { cve.id + "|" + $0 } }
        if !cited.isEmpty {
            var hasher = PageFingerprint()
            hasher.combine(fingerprint)
            hasher.combine(list: cited)
            fingerprint = hasher.hex
        }
        let summary = (Self.nonEmpty(item.summary) ?? Self.nonEmpty(item.content)).map {
            RemoteImages.apply($0, policy: site.remoteImages, siteHost: host.lowercased(), label: strings["remote_image"],
                               labelBeforeAlt: strings["remote_image_alt"])
        }
        let listedDay = dates.dayKeyAndDay(item.listedAt)
        let mentions = item.alsoReportedBy.map { mention in
            let link = mention.link.flatMap { Self.isPublishableLink($0) ? $0 : nil }
            return MentionView(sourceTitle: mention.sourceTitle, title: mention.title, link: link ?? "", hasLink: link != nil)
        }
        return ItemView(
            fingerprint: fingerprint,
            entryID: "tag:\(host),2026:item/\(item.stableKey)",
            path: path, url: site.baseURL + path,
            title: item.title.isEmpty ? (site.language.hasPrefix("en") ? "(untitled)" : "(sans titre)") : item.title,
            link: item.link.flatMap { Self.isPublishableLink($0) ? $0 : nil },
            sourceID: item.sourceID, sourcePath: Self.sourcePath(item.sourceID), sourceTitle: item.sourceTitle,
            dateISO: ISO8601UTC.string(from: item.displayDate),
            dateHuman: dates.day(item.displayDate),
            dayKey: listedDay.key,
            dayHuman: listedDay.human,
            updatedISO: ISO8601UTC.string(from: item.updated ?? item.displayDate),
            authors: item.authors.isEmpty ? nil : item.authors.joined(separator: ", "),
            summaryHTML: summary,
            health: item.health,
            score: site.language.hasPrefix("en") ? Self.twoDecimals(item.healthScore) : Self.twoDecimalsWithComma(item.healthScore),
            healthReason: healthReason(item),
            productLinks: item.productMentions.compactMap { mention in
                Self.productPath(vendor: mention.vendor, product: mention.product).map {
                    ProductLink(title: mention.product.lowercased().hasPrefix(mention.vendor.lowercased()) ? mention.product : "\(mention.vendor) \(mention.product)",
                                path: $0, evidence: "« \(mention.matchedText) » (\(fieldNames[mention.field] ?? mention.field))")
                }
            },
            tags: tags, hasTags: !tags.isEmpty,
            cves: cves, hasCVEs: !cves.isEmpty, knownExploited: cves.contains(where: \.knownExploited),
            cvss: item.cvss.map { decimal($0, digits: 1) },
            language: item.language,
            alsoReportedBy: mentions, hasMentions: !mentions.isEmpty,
            advisory: item.advisory.map { advisoryView($0) }, pinned: item.pinned, editorNoteHTML: item.editorNoteHTML,
            urgency: item.urgency.name, urgencyLabel: item.urgency == .normal ? nil : strings["urgency_\(item.urgency.name)"],
            urgencyReasons: item.urgencyReasons,
            exploitedWhat: item.urgency == .urgent ? Self.exploitedWhat(item) : nil,
            fixText: item.urgency == .urgent ? Self.fixSentence(item) : nil)
    }

    /// Text made HTML, for HTML that a template then writes escaped again (an Atom `type="html"`
    /// content): the same escaping as every `{{value}}`.
    static func html(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        ScalarHTMLEscaping.escape(text, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Text as HTML, each CVE id in it a link to its record.
    static func linkingCVEs(_ text: String) -> String {
        let escaped = html(text)
        guard escaped.contains("CVE-") else { return escaped }
        return escaped.replacingOccurrences(of: #"\bCVE-\d{4}-\d{4,7}\b"#, with: "<a href=\"https://www.cve.org/CVERecord?id=$0\">$0</a>",
                                            options: .regularExpression)
    }

    /// The products and CVEs an urgent item is about, as its text names them.
    static func exploitedWhat(_ item: PublishedItem) -> String? {
        // The products its text names first (« Fortinet FortiGate »), then what the urgency rules matched.
        var parts: [String] = item.productMentions.map { "\($0.vendor) \($0.product)" }
        let named = item.productMentions.map { $0.matchedText.lowercased() }
        for reason in item.urgencyReasons where [.product, .healthProduct].contains(reason.kind) && !parts.contains(reason.matchedText)
            && !named.contains(where: { $0.contains(reason.matchedText.lowercased()) || reason.matchedText.lowercased().contains($0) }) {
            parts.append(reason.matchedText)
        }
        let exploited = item.cveDetails.filter(\.knownExploited).map(\.cve)
        parts += (exploited.isEmpty ? Array(item.cves.prefix(3)) : exploited)
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// The sentence of the summary that holds the fix or workaround the urgency rules found.
    static func fixSentence(_ item: PublishedItem) -> String? {
        guard let fix = item.urgencyReasons.first(where: { $0.kind == .fix }) else { return nil }
        let text = PlainText.from(html: item.summary ?? item.content ?? "")
        // A sentence ends at ".", "!" or "?" followed by a space, or at a line break: "11.2.7" stays whole.
        var sentences: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if text[index] == "\n" || (".!?".contains(text[index]) && (next == text.endIndex || text[next].isWhitespace)) {
                sentences.append(text[start..<(text[index] == "\n" ? index : next)])
                start = next
            }
            index = next
        }
        if start < text.endIndex { sentences.append(text[start...]) }
        guard let sentence = sentences.first(where: { $0.localizedCaseInsensitiveContains(fix.matchedText) }) else { return nil }
        let trimmed = sentence.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 240 ? String(trimmed.prefix(239)) + "…" : trimmed
    }

    /// `String(format: "%.2f", value)`, taken from a table for the scores tagging gives (thousandths
    /// from 0 to 1): the same text, without formatting one string per item of the archive.
    static func twoDecimals(_ value: Double) -> String {
        let thousandths = (value * 1000).rounded()
        if thousandths >= 0, thousandths <= 1000, thousandths / 1000 == value { return scoreTexts[Int(thousandths)] }
        return String(format: "%.2f", value)
    }

    private static let scoreTexts = (0...1000).map { String(format: "%.2f", Double($0) / 1000) }
    private static let scoreTextsWithComma = scoreTexts.map { $0.replacingOccurrences(of: ".", with: ",") }

    /// « 0,84 »: `twoDecimals` as French writes it.
    static func twoDecimalsWithComma(_ value: Double) -> String {
        let thousandths = (value * 1000).rounded()
        if thousandths >= 0, thousandths <= 1000, thousandths / 1000 == value { return scoreTextsWithComma[Int(thousandths)] }
        return twoDecimals(value).replacingOccurrences(of: ".", with: ",")
    }

    private static let productsShown = 25
    private static let remediationsShown = 10

    func advisoryView(_ facts: AdvisoryFacts) -> AdvisoryView {
        let remediations = Array(facts.remediations.prefix(Self.remediationsShown))
        return AdvisoryView(
            trackingID: facts.trackingID, version: facts.version,
            initialHuman: facts.initialRelease.map { dates.day($0) }, currentHuman: facts.currentRelease.map { dates.day($0) },
            verificationState: facts.verification.map { strings["verification_\($0.state.rawValue)"] },
            verificationDetail: facts.verification?.detail,
            products: Array(facts.products.prefix(Self.productsShown)), hasProducts: !facts.products.isEmpty,
            vendorProducts: (facts.vendorProducts ?? []).prefix(Self.productsShown).compactMap { pair in
                Self.productPath(vendor: pair.vendor, product: pair.product).map {
                    ProductLink(title: pair.vendor == pair.product ? pair.product : "\(pair.vendor) — \(pair.product)", path: $0)
                }
            },
            moreProducts: max(0, facts.products.count - Self.productsShown),
            risks: facts.risks, hasRisks: !facts.risks.isEmpty,
            remediations: remediations, hasRemediations: !remediations.isEmpty,
            sectors: facts.sectors.isEmpty ? nil : facts.sectors.joined(separator: ", "),
            requiredAction: facts.requiredAction)
    }

    /// What an item's page shows, hashed: when it is unchanged, so is the page.
    static func fingerprint(of item: PublishedItem) -> String {
        var hasher = PageFingerprint()
        // Field by field, numbers by their bits: no text and no list is made to be hashed.
        hasher.combine(item.stableKey)
        hasher.combine(item.sourceID)
        hasher.combine(item.sourceTitle)
        hasher.combine(item.title)
        hasher.combine(item.link)
        hasher.combine(item.summary)
        hasher.combine(item.content)
        hasher.combine(item.language)
        hasher.combine(item.cvss)
        hasher.combine(item.healthScore)
        hasher.combine(item.displayDate.timeIntervalSince1970)
        hasher.combine(item.updated?.timeIntervalSince1970)
        hasher.combine(item.listedAt.timeIntervalSince1970)
        hasher.combine(item.health)
        hasher.combine(list: item.authors)
        hasher.combine(item.pinned)
        hasher.combine(item.editorNoteHTML)
        hasher.combine(Double(item.urgency.rawValue))
        hasher.combine(count: item.urgencyReasons.count)
        for reason in item.urgencyReasons {
            hasher.combine(reason.kind.rawValue)
            hasher.combine(reason.matchedText)
            hasher.combine(reason.field)
        }
        hasher.combine(count: item.tags.count)
        for tag in item.tags {
            hasher.combine(tag.tagID)
            hasher.combine(tag.ruleID)
            hasher.combine(tag.matchedText)
            hasher.combine(tag.field)
        }
        hasher.combine(count: item.cveDetails.count)
        for cve in item.cveDetails {
            hasher.combine(cve.cve)
            hasher.combine(cve.knownExploitedSince)
            hasher.combine(cve.remediationDue)
            hasher.combine(cve.knownRansomwareUse)
            hasher.combine(cve.epss)
            hasher.combine(cve.epssPercentile)
        }
        hasher.combine(count: item.alsoReportedBy.count)
        for mention in item.alsoReportedBy {
            hasher.combine(mention.sourceTitle)
            hasher.combine(mention.title)
            hasher.combine(mention.link)
        }
        hasher.combine(count: item.productMentions.count)
        for mention in item.productMentions {
            hasher.combine(list: [mention.vendor, mention.product, mention.matchedText, mention.field])
        }
        if let advisory = item.advisory {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            hasher.combine((try? encoder.encode(advisory)).map { String(decoding: $0, as: UTF8.self) })
        }
        return hasher.hex
    }

    private static let fieldNamesByLanguage = [
        "fr": FrenchFormat.fieldNames,
        "en": ["title": "title", "summary": "summary", "content": "content"],
    ]

    static func tagPath(_ id: String) -> String { "tags/\(pathSegment(id))/" }
    static func sourcePath(_ id: String) -> String { "sources/\(pathSegment(id))/" }

    /// Ids from configuration files become folder names: anything but [a-z0-9._-] is replaced.
    /// One id, one folder: when an id had to be changed, a hash of it is added, so that two ids
    /// never share a folder ("DDoS" and "ddos", "a b" and "a-b").
    static func pathSegment(_ id: String) -> String {
        if !id.isEmpty, id.utf8.allSatisfy({ (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5f || $0 == 0x2d }) { return id }
        let safe = String(id.map { $0.isASCII && ($0.isLowercase || $0.isNumber || "_-".contains($0)) ? $0 : "-" })
        return safe == id && !safe.isEmpty ? safe : safe + "-" + StableHash.hex([id]).prefix(8)
    }

    private static func nonEmpty(_ html: String?) -> String? {
        guard let html, html.utf8.contains(where: { !($0 == 0x20 || (0x09...0x0d).contains($0)) }) else { return nil }
        return html
    }

    /// Links from feeds are untrusted: only http(s) ones are published (`WebLink`).
    static func isPublishableLink(_ link: String) -> Bool {
        WebLink.isWeb(link)
    }
}

/// Writes the pages of one publication into the staging folder, counting them and keeping the
/// HTML pages' URLs for the sitemap. A file whose fingerprint is the one the staging folder
/// already holds (the same inputs: same page) is neither rendered nor written again.
final class SiteWriter {
    let staging: StagingDirectory
    let baseURL: String
    /// Every file of the new site, with its fingerprint and stamp.
    private(set) var manifest: [String: StagingDirectory.ManifestEntry] = [:]
    /// The files in the order they were claimed (the same on every run for the same site).
    private(set) var files: [String] = []
    private(set) var pages = 0
    private(set) var reused = 0
    private(set) var htmlPaths: [String] = []

    init(staging: StagingDirectory, baseURL: String) {
        self.staging = staging
        self.baseURL = baseURL
        // Sized for the site published before, which the new one will most likely match (counted
        // from its manifest: its inspection is still running).
        manifest.reserveCapacity(staging.expectedFileCount + 64)
        files.reserveCapacity(staging.expectedFileCount + 64)
        htmlPaths.reserveCapacity(staging.expectedFileCount + 64)
    }

    /// `path` is a folder ("tags/x/", written as index.html) or a file ("atom.xml"). Pages
    /// rendered every time are fingerprinted by their text.
    func write(_ text: String, at path: String) throws {
        try write(at: path, fingerprint: "text:" + StableHash.hex([text])) { text }
    }

    func write(at path: String, fingerprint: String, render: () throws -> String) throws {
        guard let file = try claim(path, fingerprint: fingerprint) else { return }
        manifest[file]?.stamp = try staging.write(try render(), to: file)
        pages += 1
    }

    /// The templates' assets (style sheet, script) under `prefix`, each file fingerprinted by its bytes.
    func writeAssets(from folder: URL, into prefix: String) throws {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: folder.path) else { return }
        for relative in (fileManager.subpaths(atPath: folder.path) ?? []).sorted() {
            var isDirectory: ObjCBool = false
            let source = folder.appendingPathComponent(relative)
            guard fileManager.fileExists(atPath: source.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            try writeAsset(source, at: prefix + relative)
        }
    }

    /// One file copied as it is (an asset, the operator's logo), fingerprinted by its bytes.
    func writeAsset(_ source: URL, at path: String) throws {
        guard let bytes = FileManager.default.contents(atPath: source.path) else {
            throw PublishError("\(source.path): cannot read the file")
        }
        var hasher = StableHash.Hasher()
        hasher.combine(bytes: bytes)
        guard let file = try claim(path, fingerprint: "bytes:" + hasher.hex, page: false) else { return }
        manifest[file]?.stamp = try bytes.withUnsafeBytes { try staging.write(bytes: $0.bindMemory(to: UInt8.self), to: file) }
    }

    /// Many pages at once: those whose inputs changed are rendered on every core (pages are
    /// independent; rendering is most of a build), in chunks so that memory stays bounded, and
    /// written in order.
    func writeAll(_ pages: [(path: String, fingerprint: String)], render: @Sendable (Int) throws -> [UInt8]) throws {
        var pending: [(index: Int, file: String)] = []
        for (index, page) in pages.enumerated() {
            if let file = try claim(page.path, fingerprint: page.fingerprint) { pending.append((index, file)) }
        }
        let chunkSize = 512
        let chunks = stride(from: 0, to: pending.count, by: chunkSize).map { Array(pending[$0..<min($0 + chunkSize, pending.count)]) }
        let staging = self.staging
        // A chunk's folders are made while the chunk before is rendered and written.
        var folders = try chunks.first.map { staging.makeFolders(try staging.prepare($0.map(\.file))) }
        for (number, chunk) in chunks.enumerated() {
            let next = number + 1 < chunks.count ? staging.makeFolders(try staging.prepare(chunks[number + 1].map(\.file))) : nil
            try folders?.wait()
            let written = chunk.concurrentMap { page in
                Result { try render(page.index).withUnsafeBufferPointer { try staging.writePrepared(bytes: $0, to: page.file) } }
            }
            for (page, result) in zip(chunk, written) {
                manifest[page.file]?.stamp = try result.get()
                self.pages += 1
            }
            folders = next
        }
    }

    /// Records the page; returns the file to write, or nil when the staging folder holds it already.
    private func claim(_ path: String, fingerprint: String, page: Bool = true) throws -> String? {
        let file = path.isEmpty || path.hasSuffix("/") ? path + "index.html" : path
        let known = staging.known[file]
        // A file reused as it is keeps its stamp; one to write gets its stamp once written.
        let entry = known?.fingerprint == fingerprint ? known! : .init(fingerprint: fingerprint, stamp: .init(size: -1, modified: 0))
        guard manifest.updateValue(entry, forKey: file) == nil else { throw PublishError("\(file): two pages of the site at one path") }
        files.append(file)
        if page, path.isEmpty || path.hasSuffix("/") { htmlPaths.append(path) }
        if known?.fingerprint == fingerprint {
            if page { reused += 1 }
            return nil
        }
        return file
    }
}

public struct PublishError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
