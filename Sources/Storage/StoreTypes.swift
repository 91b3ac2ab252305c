import Foundation

/// The fetch state kept per source: validators for conditional GET and the source's health.
public struct SourceState: Sendable, Equatable {
    public var sourceID: String
    public var etag: String?
    public var lastModified: String?
    public var lastAttemptAt: Date?
    public var lastSuccessAt: Date?
    public var lastStatus: String?
    public var consecutiveFailures: Int
    public var lastError: String?
    public var nextDueAt: Date?
    public var disabledAt: Date?
    public var disabledReason: String?
    /// The server asked not to be polled before this (Retry-After).
    public var notBefore: Date?
    /// Where the source is polled after repeated permanent redirects (else its configured URL).
    public var fetchURL: String?
    /// The target of the permanent redirects seen on the last consecutive polls, if any.
    public var movedTo: String?
}

/// The outcome of one fetch, as the source's health row records it.
public struct FetchRecord: Sendable {
    public enum Result: Sendable {
        /// Got and parsed; the validators are those of the response.
        case success(etag: String?, lastModified: String?)
        case notModified
        case failure(String)
    }

    public var at: Date
    public var status: String
    public var result: Result
    public var nextDueAt: Date
    /// From Retry-After: no request before this, even in a forced round.
    public var notBefore: Date?

    public init(at: Date, status: String, result: Result, nextDueAt: Date, notBefore: Date? = nil) {
        self.at = at
        self.status = status
        self.result = result
        self.nextDueAt = nextDueAt
        self.notBefore = notBefore
    }
}

/// What an upsert of one feed's items did.
public struct UpsertResult: Sendable, Equatable {
    public var newItemIDs: [Int64] = []
    public var updatedItemIDs: [Int64] = []
    public var unchanged = 0
    /// Items that retention purged (their tombstone matched): not brought back.
    public var purged = 0

    public init() {}
}

/// The text of an item, as tagging reads it.
public struct ItemText: Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var summary: String
    public var content: String
    public var language: String?
    /// The content hash and the rules fingerprint it is to be tagged with.
    public var contentHash: String
    /// Whether the item has tags to replace (false for an item never tagged yet).
    public var wasTagged = true
    /// Whether the item is an advisory, whose CVEs and score come from its data too.
    public var isAdvisory = true
    /// Where a CERT-FR alert reference may show (its address and identity), for urgency.
    public var references: [String] = []
    /// An advisory's CVEs and highest CVSS base score, as data.
    public var advisoryCVEs: [String] = []
    public var advisoryCVSS: Double?
}

/// Counts of what the database holds.
public struct StoreCounts: Sendable, Equatable, Codable {
    public var feeds: Int
    public var items: Int
    public var healthItems: Int
    public var revisions: Int
    public var tags: Int
    public var stories: Int
    public var tombstones: Int
}
