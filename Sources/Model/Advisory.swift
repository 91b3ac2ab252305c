import Foundation

/// What a structured security advisory says, beyond the text of its item: read from a CSAF 2.0
/// document, a CERT-FR JSON document, or an entry of CISA's KEV catalog.
public struct AdvisoryFacts: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case csaf, certfr, kev
    }

    public var kind: Kind
    /// The publisher's id (CSAF /document/tracking/id, CERT-FR reference, the CVE of a KEV entry).
    public var trackingID: String
    /// CSAF /document/tracking/version, or the number of CERT-FR revisions.
    public var version: String?
    public var initialRelease: Date?
    public var currentRelease: Date?
    public var cves: [String]
    /// Product names (CSAF full product names, CERT-FR affected systems, KEV vendor and product).
    public var products: [String]
    /// The same products as the document structures them: each vendor with each product, without
    /// versions (CSAF vendor and product_name branches, CERT-FR vendor and product, KEV
    /// vendorProject and product). Nil in facts stored before they were read.
    public var vendorProducts: [VendorProduct]?
    /// Lower case TLP label of the document ("clear", "white", "amber", …); nil when unmarked.
    public var tlp: String?
    public var scores: [AdvisoryScore]
    public var remediations: [String]
    public var references: [AdvisoryReference]
    /// Sectors named by the document (CISA's "Critical infrastructure sectors" note).
    public var sectors: [String]
    /// CERT-FR's risks ("Exécution de code arbitraire à distance", …).
    public var risks: [String]
    /// For KEV entries: when CISA added it, the due date of the required action, and the action.
    public var knownExploited: KnownExploitedVulnerability?
    public var requiredAction: String?
    /// How the document was checked before it was read (set by the fetcher, not the parser).
    public var verification: DocumentVerification?

    public init(kind: Kind, trackingID: String, version: String? = nil, initialRelease: Date? = nil, currentRelease: Date? = nil,
                cves: [String] = [], products: [String] = [], tlp: String? = nil, scores: [AdvisoryScore] = [],
                remediations: [String] = [], references: [AdvisoryReference] = [], sectors: [String] = [], risks: [String] = [],
                knownExploited: KnownExploitedVulnerability? = nil, requiredAction: String? = nil,
                verification: DocumentVerification? = nil, vendorProducts: [VendorProduct]? = nil) {
        self.kind = kind
        self.vendorProducts = vendorProducts
        self.trackingID = trackingID
        self.version = version
        self.initialRelease = initialRelease
        self.currentRelease = currentRelease
        self.cves = cves
        self.products = products
        self.tlp = tlp
        self.scores = scores
        self.remediations = remediations
        self.references = references
        self.sectors = sectors
        self.risks = risks
        self.knownExploited = knownExploited
        self.requiredAction = requiredAction
        self.verification = verification
    }

    /// The highest base score of the document, CVSS v4 or v3.
    public var highestBaseScore: Double? { scores.map(\.baseScore).max() }
}

/// A product a news item names in its text, and the words that named it (Tagging's ProductMatcher).
public struct ProductMention: Sendable, Equatable, Hashable, Codable {
    public var vendor: String
    public var product: String
    public var matchedText: String
    /// "title" or "summary".
    public var field: String

    public init(vendor: String, product: String, matchedText: String, field: String) {
        self.vendor = vendor
        self.product = product
        self.matchedText = matchedText
        self.field = field
    }
}

/// A vendor's product, as a structured document names the two apart ("Medirad", "PACS Server").
public struct VendorProduct: Sendable, Equatable, Hashable, Codable {
    public var vendor: String
    public var product: String

    public init(vendor: String, product: String) {
        self.vendor = vendor
        self.product = product
    }

    /// A product named (not a placeholder such as "N/A" or "unknown"), at most 200 characters;
    /// without a vendor, the product is its own vendor, as CPE names open-source projects
    /// ("litellm:litellm").
    public static func from(vendor: String?, product: String?) -> VendorProduct? {
        func clean(_ text: String?) -> String? {
            guard let text = text?.split(whereSeparator: \.isWhitespace).joined(separator: " "), !text.isEmpty, text.count <= 200,
                  !["n/a", "na", "unknown", "inconnu", "-", "*"].contains(text.lowercased()) else { return nil }
            return text
        }
        guard let product = clean(product) else { return nil }
        return VendorProduct(vendor: clean(vendor) ?? product, product: product)
    }
}

/// One CVSS base score of an advisory.
public struct AdvisoryScore: Sendable, Equatable, Codable {
    public var cve: String?
    /// "3.0", "3.1" or "4.0".
    public var version: String
    public var baseScore: Double
    public var vector: String?

    public init(cve: String?, version: String, baseScore: Double, vector: String?) {
        self.cve = cve
        self.version = version
        self.baseScore = baseScore
        self.vector = vector
    }
}

public struct AdvisoryReference: Sendable, Equatable, Codable {
    public var url: String
    public var summary: String?

    public init(url: String, summary: String?) {
        self.url = url
        self.summary = summary
    }
}

/// The integrity and authenticity checks made on a document before it was parsed.
public struct DocumentVerification: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable {
        /// A hash and an OpenPGP signature by the provider's key both checked.
        case signed
        /// The published hash checked; no signature, or no key to check it with.
        case hashVerified = "hash-verified"
        /// Nothing published beside the document to check it against.
        case unverified
    }

    public var state: State
    /// In words, for the item page and the logs ("sha512 ok; signature by 144AED0A…4B17 good").
    public var detail: String

    public init(state: State, detail: String) {
        self.state = state
        self.detail = detail
    }
}
