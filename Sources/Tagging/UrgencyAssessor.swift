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
                    kind: kind, ruleID: rule.id, matchedText: Self.bounded(String(decoding: utf8[match.range], as: UTF8.self)), field: field))
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

    /// "CERTFR-2026-ALE-012" when the text holds a CERT-FR alert reference (any case). Read as
    /// bytes: every item's title, address and identity pass here in each tagging round.
    static func certFRAlertReference(in text: String) -> String? {
        let bytes = Array(text.utf8)
        let prefix = Array("certfr-".utf8), alert = Array("-ale-".utf8)
        func matches(_ word: [UInt8], at index: Int) -> Bool {
            index + word.count <= bytes.count && word.indices.allSatisfy { bytes[index + $0] | 0x20 == word[$0] }
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        var index = 0
        while index + 15 <= bytes.count {
            defer { index += 1 }
            guard bytes[index] | 0x20 == 0x63, matches(prefix, at: index) else { continue }
            let year = index + 7
            guard (year..<year + 4).allSatisfy({ isDigit(bytes[$0]) }), matches(alert, at: year + 4) else { continue }
            let numberStart = year + 9
            var numberEnd = numberStart
            while numberEnd < bytes.count, isDigit(bytes[numberEnd]) { numberEnd += 1 }
            guard numberEnd > numberStart else { continue }
            return "CERTFR-\(String(decoding: bytes[year..<year + 4], as: UTF8.self))-ALE-\(String(decoding: bytes[numberStart..<numberEnd], as: UTF8.self))"
        }
        return nil
    }

    /// A matched span is a term's words, but the text between them (punctuation, spaces) is the
    /// feed's: it is stored and shown, so it is bounded.
    static func bounded(_ text: String) -> String {
        text.count > maxMatchedText ? String(text.prefix(maxMatchedText - 1)) + "…" : text
    }

    static let maxMatchedText = 160

    static func scoreText(_ score: Double) -> String {
        String(format: "%.1f", score)
    }
}
