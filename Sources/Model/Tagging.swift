/// A tag set on an item by one rule, with the words that triggered it: the evidence an analyst
/// reads to see why an item was tagged.
public struct TagEvidence: Sendable, Hashable, Codable {
    /// Empty for the evidence of a negative rule (a false friend), which sets no tag.
    public var tagID: String
    public var ruleID: String
    /// The text span as it appears in the item.
    public var matchedText: String
    /// Which field the span was found in: "title", "summary" or "content".
    public var field: String

    public init(tagID: String, ruleID: String, matchedText: String, field: String) {
        self.tagID = tagID
        self.ruleID = ruleID
        self.matchedText = matchedText
        self.field = field
    }
}

/// The outcome of tagging one item.
public struct Classification: Sendable, Equatable {
    /// Relevance to the health sector, in [0, 1].
    public var score: Double
    /// `score >= threshold` of the rules file.
    public var health: Bool
    public var evidence: [TagEvidence]
    public var cves: [String]
    /// The highest CVSS base score the text gives, if any.
    public var cvss: Double?
    /// The language detected from the text, when one clearly leads.
    public var detectedLanguage: String?
    /// How soon a health structure must act on it, and why (docs/urgency.md).
    public var urgency: UrgencyLevel
    public var urgencyReasons: [UrgencyReason]
    /// The vendors' products its text names (Feeds/products.toml).
    public var products: [ProductMention] = []

    public init(score: Double, health: Bool, evidence: [TagEvidence], cves: [String], cvss: Double? = nil,
                detectedLanguage: String? = nil, urgency: UrgencyLevel = .normal, urgencyReasons: [UrgencyReason] = []) {
        self.score = score
        self.health = health
        self.evidence = evidence
        self.cves = cves
        self.cvss = cvss
        self.detectedLanguage = detectedLanguage
        self.urgency = urgency
        self.urgencyReasons = urgencyReasons
    }

    /// Distinct tag ids, in order of first evidence.
    public var tagIDs: [String] {
        var seen = Set<String>()
        return evidence.compactMap { !$0.tagID.isEmpty && seen.insert($0.tagID).inserted ? $0.tagID : nil }
    }
}

/// Display data of a tag, from the taxonomy.
public struct TagDefinition: Sendable, Hashable, Codable {
    public var id: String
    public var group: String
    public var labelFR: String
    public var labelEN: String

    public init(id: String, group: String, labelFR: String, labelEN: String) {
        self.id = id
        self.group = group
        self.labelFR = labelFR
        self.labelEN = labelEN
    }
}
