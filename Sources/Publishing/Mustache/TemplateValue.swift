/// A value as templates see it. Page models give theirs by name (`TemplateObject`), typed:
/// rendering looks values up and tests them without a single dynamic cast, which is what made
/// rendering through reflection or `Any` the larger part of building a large site.
public enum TemplateValue {
    case string(String)
    case bool(Bool)
    case int(Int)
    case double(Double)
    case list([TemplateValue])
    case object(any TemplateObject)
    /// Interface strings (`frame.t.key`).
    case strings([String: String])
    /// A context built as a dictionary (the desk, a few small pages): its values are converted
    /// when looked up.
    case dictionary([String: Any])

    /// The value named `name` in this one, if it has one (nil: look further down the context).
    func child(named name: TemplateName) -> TemplateValue? {
        switch self {
        case .object(let object): return object.value(named: name)
        case .strings(let strings): return strings[name.text].map(TemplateValue.string)
        case .dictionary(let dictionary): return dictionary[name.text].flatMap(TemplateValue.init(any:))
        case .string, .bool, .int, .double, .list: return nil
        }
    }

    /// Converts what a dictionary context holds; nil for nil.
    public init?(any value: Any) {
        switch value {
        case let value as TemplateValue: self = value
        case let string as String: self = .string(string)
        case let substring as Substring: self = .string(String(substring))
        case let bool as Bool: self = .bool(bool)
        case let int as Int: self = .int(int)
        case let int as Int64: self = .int(Int(int))
        case let double as Double: self = .double(double)
        case let strings as [String: String]: self = .strings(strings)
        case let dictionary as [String: Any]: self = .dictionary(dictionary)
        case let object as any TemplateObject: self = .object(object)
        case let optional as AnyOptional:
            guard let wrapped = optional.wrapped else { return nil }
            self.init(any: wrapped)
        case let list as [Any]: self = .list(list.compactMap(TemplateValue.init(any:)))
        default: self = .string("\(value)")
        }
    }
}

/// A page model: its values by the names templates use.
public protocol TemplateObject {
    /// nil when the model has no such value (or it is nil): the name is then looked up further
    /// down the context stack, as Mustache does.
    func value(named name: TemplateName) -> TemplateValue?
}

extension TemplateObject {
    func value(named text: String) -> TemplateValue? { value(named: TemplateName(text)) }
}

/// A name in a template (one part of `a.b.c`), read once when the template is parsed: with the
/// page models' names as `TemplateKey` cases, a model finds its value by a jump, not by hashing
/// or comparing text (a large site looks names up by the hundred million).
public struct TemplateName: Sendable, Hashable {
    public let text: String
    /// nil: no page model has a value of that name (dictionary contexts still may).
    public let key: TemplateKey?

    public init(_ text: String) {
        self.text = text
        key = TemplateKey(rawValue: text)
    }
}

/// Every name a page model answers (PageModels+Mustache.swift).
public enum TemplateKey: String, Sendable {
    case advisory, alsoReportedBy, alternateURL, atomURL, authors, baseURL, count, currentHuman, cves, cvss, dateHuman
    case dateISO, dayHuman, dayKey, description, detail, due, editions, editorNoteHTML, entries, entryID, epss, evidence
    case feedID, feedURL, fingerprint, frame, generatedAt, generatedAtHuman, group, groupLabel, groups, hasCVEs, hasLink
    case hasMentions, hasPages, hasPreviousEditions, hasProducts, hasRemediations, hasRisks, hasTags, health, id
    case initialHuman, isArchivedPage, isCurrent, isEmpty, isGap, isHome, isNewest, item, itemCount, items, jsonFeedURL
    case knownExploited, label, language, lead, link, moreProducts, nextPath, number, pageNumber, pages, pageURL, path
    case pinned, previousEditions, previousPath, products, remediations, requiredAction, risks, rootPath, score, sectors
    case selfURL, since, site, sourceID, sourcePath, sourceTitle, summary, summaryHTML, summaryText, t, tags, themes
    case title, trackingID, updated, updatedISO, url, verificationDetail, verificationState, version
    // Urgency (docs/urgency.md).
    case exploitedWhat, fixText, hasPriority, hasUrgencyReasons, isUrgent, priority, priorityFeedURL, urgency, urgencyLabel
    case urgencyReasons, urgencyReasonsHTML, sourceTitleHTML, linkHTML, contentHTML
    // Open alerts' banner.
    case alerts, hasAlerts, severity, severityID
    // French as written ([portal]): counts with their noun, reasons in words, links out for CVEs.
    case countText, itemCountText, healthReason, recordURL, certFR, certFRURL
    // The operator ([site] operator, contact, logo, accessibility).
    case `operator`, contactHref, contactLabel, logo, accessibility, exploitedWhatHTML
    // CVE pages.
    case ransomware, advisories, hasAdvisories
    // Products as advisories structure them.
    case vendorProducts, hasVendorProducts, productLinks, hasProductLinks
}

/// Lets `init(any:)` see through an optional boxed in `Any`.
private protocol AnyOptional {
    var wrapped: Any? { get }
}

extension Optional: AnyOptional {
    var wrapped: Any? { self.map { $0 as Any } }
}

// Conversions for page models' `value(named:)`: `.from(title)` whatever the property's type.
extension TemplateValue {
    static func from(_ value: String) -> TemplateValue { .string(value) }
    static func from(_ value: String?) -> TemplateValue? { value.map(TemplateValue.string) }
    static func from(_ value: Bool) -> TemplateValue { .bool(value) }
    static func from(_ value: Int) -> TemplateValue { .int(value) }
    static func from(_ value: Int?) -> TemplateValue? { value.map(TemplateValue.int) }
    static func from(_ value: [String: String]) -> TemplateValue { .strings(value) }
    static func from(_ value: [String]) -> TemplateValue { .list(value.map(TemplateValue.string)) }
    static func from(_ value: some TemplateObject) -> TemplateValue { .object(value) }
    static func from(_ value: (some TemplateObject)?) -> TemplateValue? { value.map { .object($0) } }
    static func from(_ value: [some TemplateObject]) -> TemplateValue { .list(value.map { .object($0) }) }
}
