import Foundation

/// An entry of CISA's catalog of Known Exploited Vulnerabilities.
public struct KnownExploitedVulnerability: Sendable, Equatable, Codable {
    public var cve: String
    /// Days as the catalog gives them (YYYY-MM-DD).
    public var dateAdded: String
    public var dueDate: String?
    public var knownRansomwareUse: Bool
    public var vendor: String
    public var product: String
    public var name: String

    public init(cve: String, dateAdded: String, dueDate: String?, knownRansomwareUse: Bool, vendor: String, product: String, name: String) {
        self.cve = cve
        self.dateAdded = dateAdded
        self.dueDate = dueDate
        self.knownRansomwareUse = knownRansomwareUse
        self.vendor = vendor
        self.product = product
        self.name = name
    }
}

/// FIRST's Exploit Prediction Scoring System score of a CVE: the probability of exploitation in
/// the next 30 days, and its percentile among all scored CVEs.
public struct EPSSScore: Sendable, Equatable, Codable {
    public var cve: String
    public var probability: Double
    public var percentile: Double

    public init(cve: String, probability: Double, percentile: Double) {
        self.cve = cve
        self.probability = probability
        self.percentile = percentile
    }
}

/// What is known of one CVE of an item, for badges and explanations.
public struct CVEDetail: Sendable, Equatable, Codable {
    public var cve: String
    /// Set when the CVE is in the KEV catalog.
    public var knownExploitedSince: String?
    public var remediationDue: String?
    public var knownRansomwareUse: Bool
    public var epss: Double?
    public var epssPercentile: Double?

    public init(cve: String, knownExploitedSince: String? = nil, remediationDue: String? = nil, knownRansomwareUse: Bool = false,
                epss: Double? = nil, epssPercentile: Double? = nil) {
        self.cve = cve
        self.knownExploitedSince = knownExploitedSince
        self.remediationDue = remediationDue
        self.knownRansomwareUse = knownRansomwareUse
        self.epss = epss
        self.epssPercentile = epssPercentile
    }

    public var knownExploited: Bool { knownExploitedSince != nil }

    /// One line for a terminal: "CVE-… (known exploited since …, due …; EPSS 0.94)".
    public var summary: String {
        var facts: [String] = []
        if let since = knownExploitedSince {
            facts.append("known exploited since \(since)" + (remediationDue.map { ", due \($0)" } ?? "")
                         + (knownRansomwareUse ? ", used by ransomware" : ""))
        }
        if let epss { facts.append(String(format: "EPSS %.3f", epss) + (epssPercentile.map { String(format: " (percentile %.2f)", $0) } ?? "")) }
        return facts.isEmpty ? cve : "\(cve) (\(facts.joined(separator: "; ")))"
    }
}
