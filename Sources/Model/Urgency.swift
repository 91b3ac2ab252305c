/// How soon a health structure's IT team must act on an item: a judgment beside health
/// relevance, made from the urgency rules (Feeds/urgency.toml) and facts such as the KEV
/// catalog (docs/urgency.md).
public enum UrgencyLevel: Int, Sendable, Comparable, CaseIterable {
    /// Nothing to act on today.
    case normal = 0
    /// Worth a look soon: exploited outside the commonly run products, or critical in one of them.
    case high = 1
    /// Act today: exploited, or used by a campaign now, in software or equipment health structures run.
    case urgent = 2

    /// The word of the `classify --jsonl` contract and of the site's markup.
    public var name: String {
        switch self {
        case .normal: return "normal"
        case .high: return "high"
        case .urgent: return "urgent"
        }
    }

    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }

    public var labelFR: String {
        switch self {
        case .normal: return "courante"
        case .high: return "élevée"
        case .urgent: return "urgente"
        }
    }

    public static func < (lhs: UrgencyLevel, rhs: UrgencyLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One reason behind an item's urgency: a rule's words found in the text, or a fact.
public struct UrgencyReason: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The text says a vulnerability is exploited now.
        case exploited
        /// A ransomware or extortion campaign.
        case campaign
        /// A security flaw is named.
        case flaw
        /// CISA's Known Exploited Vulnerabilities catalog lists one of the item's CVEs (`matchedText`).
        case knownExploited = "known-exploited"
        /// A CERT-FR *alerte* (`matchedText`: its reference).
        case certFRAlert = "certfr-alert"
        /// A product category that health structures commonly run.
        case product
        /// Software or a device specific to health (a tag of the tagging rules).
        case healthProduct = "health-product"
        case unauthenticated
        case remoteCode = "remote-code"
        /// A CVSS base score of 9 or more (`matchedText`: the score).
        case criticalScore = "critical-score"
        case fix
        case negation
        case consumer
    }

    public var kind: Kind
    /// The rule (urgency rules' id, tag id, or "kev", "certfr", "cvss" for facts).
    public var ruleID: String
    /// The words as they appear in the item, or the fact (a CVE, a reference, a score).
    public var matchedText: String
    /// "title", "summary", "content", or "facts".
    public var field: String

    public init(kind: Kind, ruleID: String, matchedText: String, field: String) {
        self.kind = kind
        self.ruleID = ruleID
        self.matchedText = matchedText
        self.field = field
    }
}

/// What the urgency judgment knows besides an item's text.
public struct UrgencyFacts: Sendable {
    /// The CVEs of CISA's KEV catalog (the whole set: the item's own CVEs are looked up in it).
    public var knownExploitedCVEs: Set<String>
    /// CVEs the item lists as data (an advisory's), beside those its text names.
    public var listedCVEs: [String]
    /// The highest CVSS base score an advisory gives.
    public var cvss: Double?
    /// The item's address and identity, where a CERT-FR alert reference shows.
    public var references: [String]

    public init(knownExploitedCVEs: Set<String> = [], listedCVEs: [String] = [], cvss: Double? = nil, references: [String] = []) {
        self.knownExploitedCVEs = knownExploitedCVEs
        self.listedCVEs = listedCVEs
        self.cvss = cvss
        self.references = references
    }
}

extension UrgencyReason.Kind {
    /// What the reason says, in French, for people.
    public var labelFR: String {
        switch self {
        case .exploited: return "exploitation signalée"
        case .campaign: return "campagne de rançongiciel ou d'extorsion"
        case .flaw: return "faille de sécurité"
        case .knownExploited: return "exploitée selon le catalogue KEV de la CISA"
        case .certFRAlert: return "alerte du CERT-FR"
        case .product: return "produit courant dans les structures de santé"
        case .healthProduct: return "logiciel ou dispositif de santé"
        case .unauthenticated: return "sans authentification"
        case .remoteCode: return "exécution de code à distance"
        case .criticalScore: return "score CVSS critique"
        case .fix: return "correctif ou contournement publié"
        case .negation: return "aucune exploitation connue"
        case .consumer: return "produit grand public"
        }
    }
}

extension UrgencyReason {
    static let fieldsFR = ["title": "titre", "summary": "résumé", "content": "contenu", "facts": "données", "score": "score"]

    /// « exploitation signalée : « activement exploitée » (résumé) ».
    public var explanationFR: String {
        // A score read from the data is a number the site writes itself: with a decimal comma.
        let text = kind == .criticalScore ? matchedText.replacingOccurrences(of: ".", with: ",") : matchedText
        return "\(kind.labelFR) : « \(text) » (\(Self.fieldsFR[field] ?? field))"
    }
}
