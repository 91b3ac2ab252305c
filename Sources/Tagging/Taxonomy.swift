import Config
import Model

/// The tagging rules: tags, weighted term lists, and the threshold of the `health` flag.
public struct Taxonomy: Sendable {
    public struct Rule: Sendable {
        /// What a rule says of the item's subject: health relevance keeps to security and privacy.
        public enum Subject: Sendable, Equatable {
            case none
            /// Its words are a security or privacy subject (a `[[subject]]`).
            case security
            /// Its words look like one but are not ("heart attack", « sécurité sociale »): they mask.
            case notSecurity
        }

        public var id: String
        public var tagID: String?
        public var weight: Double
        public var terms: [String]
        public var caseSensitive: Bool
        public var subject: Subject = .none
    }

    public var threshold: Double
    /// Added (noisy-OR) to a health score that is above 0 but below the threshold when the item
    /// also reports an incident (one of `incidentTags`): a weak health cue in an incident report
    /// ("… santé … rançongiciel") is worth reading; either alone is not.
    public var incidentBonus: Double = 0
    public var incidentTags: Set<String> = []
    /// Whether an item needs a security or privacy subject to be `health` (`subject_required`):
    /// a `[[subject]]` term, or a tag of one of `subjectTagGroups` (the threat types).
    public var subjectRequired = false
    public var subjectTags: Set<String> = []
    /// Terms a search treats as one (`[[synonyms]]`); they do not take part in tagging.
    public var synonyms = SearchSynonyms.none
    public var tags: [TagDefinition]
    public var rules: [Rule]
    /// Changes whenever the rules do, so that stored items are tagged again.
    public var fingerprint: String

    public init(threshold: Double, tags: [TagDefinition], rules: [Rule]) {
        self.threshold = threshold
        self.tags = tags
        self.rules = rules
        fingerprint = StableHash.hex(["\(threshold)"] + rules.map { "\($0.id)|\($0.tagID ?? "")|\($0.weight)|\($0.caseSensitive)|" + $0.terms.joined(separator: "|") })
    }

    public static func load(path: String) throws -> Taxonomy {
        let file = try TOMLFile(path: path)
        try file.rootEntry.checkKeys(["threshold", "incident_bonus", "incident_tags", "subject_required", "subject_tag_groups",
                                      "tag", "rule", "subject", "synonyms"])
        let threshold = try file.rootEntry.double("threshold") ?? 0.5
        guard (0...1).contains(threshold) else {
            throw ConfigurationError(file: path, "threshold \(threshold) must be between 0 and 1")
        }
        var tags: [TagDefinition] = []
        var tagIDs = Set<String>()
        for entry in try file.entries("tag") {
            try entry.checkKeys(["id", "group", "label_fr", "label_en"])
            let id = try entry.requiredString("id")
            guard tagIDs.insert(id).inserted else { throw entry.error("duplicate tag id \"\(id)\"") }
            let labelFR = try entry.string("label_fr") ?? id
            tags.append(TagDefinition(id: id, group: try entry.string("group") ?? "autre", labelFR: labelFR,
                                      labelEN: try entry.string("label_en") ?? labelFR))
        }
        var rules: [Rule] = []
        var ruleIDs = Set<String>()
        for entry in try file.entries("rule") {
            try entry.checkKeys(["id", "tag", "weight", "terms", "case_sensitive", "subject"])
            let id = try entry.requiredString("id")
            guard ruleIDs.insert(id).inserted else { throw entry.error("duplicate rule id \"\(id)\"") }
            let tagID = try entry.string("tag")
            if let tagID, !tagIDs.contains(tagID) {
                throw entry.error("rule \"\(id)\" sets tag \"\(tagID)\", which no [[tag]] declares")
            }
            let weight = try entry.double("weight") ?? 0
            guard (-1...1).contains(weight) else { throw entry.error("rule \"\(id)\": weight must be between -1 and 1") }
            if tagID == nil && weight >= 0 { throw entry.error("rule \"\(id)\" neither sets a tag nor has a negative weight") }
            let terms = try entry.strings("terms") ?? []
            guard !terms.isEmpty else { throw entry.error("rule \"\(id)\" has no terms") }
            rules.append(Rule(id: id, tagID: tagID, weight: weight, terms: terms,
                              caseSensitive: try entry.bool("case_sensitive") ?? false,
                              subject: try entry.bool("subject") == true ? .security : .none))
        }
        for entry in try file.entries("subject") {
            try entry.checkKeys(["id", "terms", "case_sensitive", "mask"])
            let id = try entry.requiredString("id")
            guard ruleIDs.insert(id).inserted else { throw entry.error("duplicate rule id \"\(id)\"") }
            let terms = try entry.strings("terms") ?? []
            guard !terms.isEmpty else { throw entry.error("subject \"\(id)\" has no terms") }
            rules.append(Rule(id: id, tagID: nil, weight: 0, terms: terms, caseSensitive: try entry.bool("case_sensitive") ?? false,
                              subject: try entry.bool("mask") == true ? .notSecurity : .security))
        }
        var taxonomy = Taxonomy(threshold: threshold, tags: tags, rules: rules)
        taxonomy.synonyms = SearchSynonyms(groups: try file.entries("synonyms").map { entry in
            try entry.checkKeys(["terms"])
            let terms = try entry.strings("terms") ?? []
            guard terms.count >= 2 else { throw entry.error("a [[synonyms]] group needs at least two terms") }
            return terms
        })
        taxonomy.subjectRequired = try file.rootEntry.bool("subject_required") ?? false
        let subjectGroups = Set(try file.rootEntry.strings("subject_tag_groups") ?? [])
        taxonomy.subjectTags = Set(tags.filter { subjectGroups.contains($0.group) }.map(\.id))
        let bonus = try file.rootEntry.double("incident_bonus") ?? 0
        guard (0...1).contains(bonus) else { throw ConfigurationError(file: path, "incident_bonus \(bonus) must be between 0 and 1") }
        let incidentTags = try file.rootEntry.strings("incident_tags") ?? []
        for tag in incidentTags where !tagIDs.contains(tag) {
            throw ConfigurationError(file: path, "incident_tags names \"\(tag)\", which no [[tag]] declares")
        }
        taxonomy.incidentBonus = bonus
        taxonomy.incidentTags = Set(incidentTags)
        taxonomy.fingerprint = StableHash.hex([taxonomy.fingerprint, "\(bonus)", "\(taxonomy.subjectRequired)"]
                                              + incidentTags.sorted() + taxonomy.subjectTags.sorted()
                                              + rules.map { "\($0.id)|\($0.subject)" })
        return taxonomy
    }
}
