import Config
import Model

/// The urgency rules (Feeds/urgency.toml): the product categories health structures commonly
/// run, and the signals a text gives (exploitation, campaign, severity, fix, negation, consumer
/// products). Data, so that the national cell edits them without a rebuild.
public struct UrgencyRules: Sendable {
    /// A list of terms with what finding one of them means.
    public struct Rule: Sendable {
        public enum Role: Sendable, Equatable {
            /// A category of commonly run software or equipment.
            case product
            case signal(SignalKind)
        }

        public var id: String
        public var role: Role
        public var labelFR: String
        public var labelEN: String
        public var terms: [String]
        public var caseSensitive: Bool
    }

    /// What a `[[signal]]` says (its `kind` key).
    public enum SignalKind: String, Sendable, CaseIterable {
        case exploited, campaign, flaw, unauthenticated
        case remoteCode = "remote-code"
        case fix, negation, conditional, consumer
    }

    public var rules: [Rule]
    /// Tag groups of the tagging rules whose tags name health-specific software or devices.
    public var healthProductGroups: Set<String>
    /// Changes whenever the rules do, so that stored items are judged again.
    public var fingerprint: String

    public init(rules: [Rule], healthProductGroups: Set<String>) {
        self.rules = rules
        self.healthProductGroups = healthProductGroups
        fingerprint = StableHash.hex(["urgency"] + healthProductGroups.sorted() + rules.map {
            "\($0.id)|\($0.role)|\($0.caseSensitive)|" + $0.terms.joined(separator: "|")
        })
    }

    public static func load(path: String) throws -> UrgencyRules {
        let file = try TOMLFile(path: path)
        try file.rootEntry.checkKeys(["health_product_groups", "product", "signal"])
        var rules: [Rule] = []
        var ids = Set<String>()
        // A term in two rules would be found for the first only: the file must say which it is.
        var termOwners: [String: String] = [:]
        func read(_ entry: TOMLEntry, role: Rule.Role) throws {
            let id = try entry.requiredString("id")
            guard ids.insert(id).inserted else { throw entry.error("duplicate id \"\(id)\"") }
            let terms = try entry.strings("terms") ?? []
            guard !terms.isEmpty else { throw entry.error("\"\(id)\" has no terms") }
            for term in terms {
                let key = WordTokenizer.words(in: term).map(\.folded).joined(separator: " ")
                guard !key.isEmpty else { throw entry.error("\"\(id)\": the term \"\(term)\" has no word") }
                if let owner = termOwners[key] {
                    throw entry.error("\"\(id)\": the term \"\(term)\" is already a term of \"\(owner)\"")
                }
                termOwners[key] = id
            }
            let labelFR = try entry.string("label_fr") ?? id
            rules.append(Rule(id: id, role: role, labelFR: labelFR, labelEN: try entry.string("label_en") ?? labelFR,
                              terms: terms, caseSensitive: try entry.bool("case_sensitive") ?? false))
        }
        for entry in try file.entries("product") {
            try entry.checkKeys(["id", "label_fr", "label_en", "terms", "case_sensitive"])
            try read(entry, role: .product)
        }
        for entry in try file.entries("signal") {
            try entry.checkKeys(["id", "kind", "label_fr", "label_en", "terms", "case_sensitive"])
            let kindName = try entry.requiredString("kind")
            guard let kind = SignalKind(rawValue: kindName) else {
                throw entry.error("unknown kind \"\(kindName)\" (expected one of: \(SignalKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            try read(entry, role: .signal(kind))
        }
        guard rules.contains(where: { $0.role == .product }) else {
            throw ConfigurationError(file: path, "no [[product]]: urgency needs the products health structures run")
        }
        return UrgencyRules(rules: rules, healthProductGroups: Set(try file.rootEntry.strings("health_product_groups") ?? []))
    }

    /// The rule with this id, for explanations.
    public func rule(id: String) -> Rule? { rules.first { $0.id == id } }
}
