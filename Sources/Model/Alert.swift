import Foundation

/// How urgent a sector alert is.
public enum AlertSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case info, moderate, high, critical

    public static func < (a: AlertSeverity, b: AlertSeverity) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

public enum AlertStatus: String, Sendable, Codable, CaseIterable {
    case draft, published, updated, closed
}

/// A sector alert: derived by a rule from declarations and advisories, or written by an editor.
public struct SectorAlert: Sendable, Equatable, Codable {
    /// "ALERTE-2026-0001": kept across updates, and so is its Atom entry id.
    public var id: String
    /// The rule that derived it and the situation it is about (nil for hand-written alerts).
    public var rule: String?
    public var ruleKey: String?
    public var severity: AlertSeverity
    public var title: String
    /// Markdown, and its sanitized HTML.
    public var summary: String
    public var summaryHTML: String?
    public var products: [String]
    public var cves: [String]
    public var requiredAction: String?
    /// YYYY-MM-DD.
    public var dueDate: String?
    public var measures: String?
    public var measuresHTML: String?
    /// Stored items the alert refers to.
    public var references: [Int64]
    public var status: AlertStatus
    public var createdBy: String
    /// The editor whose changes wait for approval (nil: the author's draft, or the rules').
    /// Whoever wrote a change cannot approve it.
    public var changedBy: String?
    /// The last editor who rewrote the text (title, severity, summary, measures): from then on
    /// the rules only add products, CVEs and references, and never rewrite an editor's words.
    public var editedBy: String?
    public var approvedBy: String?
    public var embargoUntil: Date?
    public var createdAt: Date
    public var publishedAt: Date?
    public var updatedAt: Date
    public var version: Int
    /// What the site shows: the content as last published (approved). A rule's later changes
    /// wait in the fields above until an editor approves and publishes them again.
    public var published: PublishedAlertContent?

    public init(id: String, rule: String?, ruleKey: String?, severity: AlertSeverity, title: String, summary: String,
                summaryHTML: String? = nil, products: [String] = [], cves: [String] = [], requiredAction: String? = nil,
                dueDate: String? = nil, measures: String? = nil, measuresHTML: String? = nil, references: [Int64] = [],
                status: AlertStatus = .draft, createdBy: String, approvedBy: String? = nil, embargoUntil: Date? = nil,
                createdAt: Date, publishedAt: Date? = nil, updatedAt: Date, version: Int = 1) {
        self.id = id
        self.rule = rule
        self.ruleKey = ruleKey
        self.severity = severity
        self.title = title
        self.summary = summary
        self.summaryHTML = summaryHTML
        self.products = products
        self.cves = cves
        self.requiredAction = requiredAction
        self.dueDate = dueDate
        self.measures = measures
        self.measuresHTML = measuresHTML
        self.references = references
        self.status = status
        self.createdBy = createdBy
        self.approvedBy = approvedBy
        self.embargoUntil = embargoUntil
        self.createdAt = createdAt
        self.publishedAt = publishedAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// Public once published and past its embargo (a closed alert stays, marked closed).
    public func isPublic(at now: Date) -> Bool {
        status != .draft && published != nil && (embargoUntil.map { $0 <= now } ?? true)
    }

    /// The content of the alert as it stands (title, severity, texts, products…).
    public var content: PublishedAlertContent {
        PublishedAlertContent(severity: severity, title: title, summary: summary, summaryHTML: summaryHTML, products: products, cves: cves,
                              requiredAction: requiredAction, dueDate: dueDate, measures: measures, measuresHTML: measuresHTML,
                              references: references, at: updatedAt)
    }

    /// Who wrote the content as it stands: they cannot approve it.
    public var author: String { changedBy ?? createdBy }

    /// Changes made since the last publication, waiting for approval.
    public var hasPendingChanges: Bool {
        guard let published else { return false }
        var current = content
        current.at = published.at
        return current != published
    }
}

/// One version of an alert as the site showed it: a publication (the first, or an update) or
/// its closing, for the « historique » of the alert's page.
public struct AlertPublication: Sendable, Equatable {
    public var at: Date
    public var content: PublishedAlertContent
    public var closed: Bool

    public init(at: Date, content: PublishedAlertContent, closed: Bool) {
        self.at = at
        self.content = content
        self.closed = closed
    }
}

/// An alert's content at one publication.
public struct PublishedAlertContent: Sendable, Equatable, Codable {
    public var severity: AlertSeverity
    public var title: String
    public var summary: String
    public var summaryHTML: String?
    public var products: [String]
    public var cves: [String]
    public var requiredAction: String?
    public var dueDate: String?
    public var measures: String?
    public var measuresHTML: String?
    public var references: [Int64]
    /// When this content was published.
    public var at: Date
}

/// What an alert rule proposes; `key` says which situation it is about, so that the same
/// situation updates its alert instead of raising a new one.
public struct AlertCandidate: Sendable, Equatable {
    public var rule: String
    public var key: String
    public var severity: AlertSeverity
    public var title: String
    public var summary: String
    public var products: [String]
    public var cves: [String]
    public var requiredAction: String?
    public var dueDate: String?
    public var measures: String?
    public var references: [Int64]

    public init(rule: String, key: String, severity: AlertSeverity, title: String, summary: String, products: [String] = [],
                cves: [String] = [], requiredAction: String? = nil, dueDate: String? = nil, measures: String? = nil, references: [Int64] = []) {
        self.rule = rule
        self.key = key
        self.severity = severity
        self.title = title
        self.summary = summary
        self.products = products
        self.cves = cves
        self.requiredAction = requiredAction
        self.dueDate = dueDate
        self.measures = measures
        self.references = references
    }
}
