import Foundation
import Model

/// Judges how soon a health structure must act on an item (docs/urgency.md): the urgency rules'
/// words in its title and summary, its health-product tags, and facts (KEV catalog, CERT-FR
/// alert reference, CVSS). Explainable like tagging: every level comes with its reasons.
public struct UrgencyAssessor: Sendable {
    public let rules: UrgencyRules
    private let matcher: TermMatcher
    /// Tags of the tagging rules that name health-specific software or devices.
    private let healthProductTags: Set<String>

    /// Content is read only when an item has no summary, and only its beginning: a long article
    /// or a weekly digest names many products and verbs that are not its subject.
    static let contentPrefix = 1500

    public init(rules: UrgencyRules, tags: [TagDefinition]) {
        self.rules = rules
        matcher = TermMatcher(rules: rules.rules.map {
            Taxonomy.Rule(id: $0.id, tagID: nil, weight: 0, terms: $0.terms, caseSensitive: $0.caseSensitive)
        })
        healthProductTags = Set(tags.filter { rules.healthProductGroups.contains($0.group) }.map(\.id))
    }

    /// - Parameters: texts are plain (no markup); `evidence`, `cves` and `cvss` are tagging's.
    public func assess(title: String, summary: String, content: String, evidence: [TagEvidence], cves: [String],
                       cvss: Double?, facts: UrgencyFacts) -> (level: UrgencyLevel, reasons: [UrgencyReason]) {
        var found: [UrgencyReason.Kind: [UrgencyReason]] = [:]
        var matchedRules = Set<Int>()
        let body = summary.isEmpty ? String(content.prefix(Self.contentPrefix)) : summary
        for (field, text) in [("title", title), (summary.isEmpty ? "content" : "summary", body)] where !text.isEmpty {
            let utf8 = Array(text.utf8)
            for match in matcher.matches(in: text) where matchedRules.insert(match.ruleIndex).inserted {
                let rule = rules.rules[match.ruleIndex]
                let kind: UrgencyReason.Kind
                switch rule.role {
                case .product: kind = .product
                case .signal(let signal):
                    switch signal {
                    case .exploited: kind = .exploited
                    case .campaign: kind = .campaign
                    case .flaw: kind = .flaw
                    case .unauthenticated: kind = .unauthenticated
                    case .remoteCode: kind = .remoteCode
                    case .fix: kind = .fix
                    case .negation: kind = .negation
                    case .consumer: kind = .consumer
                    case .conditional: continue  // its words only mask "exploited"
                    }
                }
                found[kind, default: []].append(UrgencyReason(
                    kind: kind, ruleID: rule.id, matchedText: String(decoding: utf8[match.range], as: UTF8.self), field: field))
            }
        }
        var seenTags = Set<String>()
        for tag in evidence where healthProductTags.contains(tag.tagID) && seenTags.insert(tag.tagID).inserted {
            found[.healthProduct, default: []].append(UrgencyReason(kind: .healthProduct, ruleID: tag.tagID, matchedText: tag.matchedText, field: tag.field))
        }
        var allCVEs = cves
        for cve in facts.listedCVEs where !allCVEs.contains(cve) { allCVEs.append(cve) }
        for cve in allCVEs where facts.knownExploitedCVEs.contains(cve) {
            found[.knownExploited, default: []].append(UrgencyReason(kind: .knownExploited, ruleID: "kev", matchedText: cve, field: "facts"))
        }
        if let reference = ([title] + facts.references).lazy.compactMap({ Self.certFRAlertReference(in: $0) }).first {
            found[.certFRAlert] = [UrgencyReason(kind: .certFRAlert, ruleID: "certfr", matchedText: reference, field: "facts")]
        }
        let score = max(cvss ?? 0, facts.cvss ?? 0)
        if score >= 9 {
            found[.criticalScore] = [UrgencyReason(kind: .criticalScore, ruleID: "cvss", matchedText: Self.scoreText(score), field: "facts")]
        }

        func has(_ kind: UrgencyReason.Kind) -> Bool { found[kind] != nil }
        let exploitedByText = has(.exploited) && !has(.negation)
        let exploited = has(.knownExploited) || has(.certFRAlert) || exploitedByText
        let campaignUsingFlaw = has(.campaign) && (has(.flaw) || !allCVEs.isEmpty || exploitedByText)
        let commonlyRun = has(.product) || has(.healthProduct)
        let severe = has(.criticalScore) || (has(.unauthenticated) && has(.remoteCode))
        let level: UrgencyLevel
        if commonlyRun && (exploited || campaignUsingFlaw) {
            level = .urgent
        } else if (exploited && !has(.consumer)) || (commonlyRun && severe) {
            level = .high
        } else {
            level = .normal
        }
        let order: [UrgencyReason.Kind] = [.knownExploited, .certFRAlert, .exploited, .campaign, .product, .healthProduct, .flaw,
                                           .criticalScore, .unauthenticated, .remoteCode, .fix, .negation, .consumer]
        return (level, order.flatMap { found[$0] ?? [] })
    }

    /// "CERTFR-2026-ALE-012" when the text holds a CERT-FR alert reference.
    static func certFRAlertReference(in text: String) -> String? {
        let upper = text.uppercased()
        var search = upper.startIndex..<upper.endIndex
        while let found = upper.range(of: "CERTFR-", range: search) {
            let rest = upper[found.upperBound...]
            let year = rest.prefix(4)
            if year.count == 4, year.allSatisfy(\.isASCII), year.allSatisfy(\.isNumber),
               rest.dropFirst(4).hasPrefix("-ALE-") {
                let number = rest.dropFirst(9).prefix { $0.isASCII && $0.isNumber }
                if !number.isEmpty { return "CERTFR-\(year)-ALE-\(number)" }
            }
            search = found.upperBound..<upper.endIndex
        }
        return nil
    }

    static func scoreText(_ score: Double) -> String {
        String(format: "%.1f", score)
    }
}
