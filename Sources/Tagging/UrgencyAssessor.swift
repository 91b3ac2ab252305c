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
        let body = summary.isEmpty ? (field: "content", text: String(content.prefix(Self.contentPrefix))) : (field: "summary", text: summary)
        return assess(fields: [(field: "title", text: title, words: nil), (field: body.field, text: body.text, words: nil)],
                      evidence: evidence, cves: cves, cvss: cvss, facts: facts)
    }

    /// `fields`: the title and the summary (else the beginning of the content), with their words
    /// when the caller has already split them.
    func assess(fields: [(field: String, text: String, words: WordTokenizer.ScannedWords?)], evidence: [TagEvidence], cves: [String],
                cvss: Double?, facts: UrgencyFacts) -> (level: UrgencyLevel, reasons: [UrgencyReason]) {
        // One list per kind, in the order reasons are given (`kinds`).
        var found = [[UrgencyReason]](repeating: [], count: Self.kinds.count)
        func add(_ reason: UrgencyReason) { found[Self.slot(reason.kind)].append(reason) }
        func has(_ kind: UrgencyReason.Kind) -> Bool { !found[Self.slot(kind)].isEmpty }
        var matchedRules: [Int] = []  // a few per item: a list beats a set
        for (field, text, words) in fields where !text.isEmpty {
            let matches = matcher.scan(text, words: words ?? WordTokenizer.scan(text)).matches
            guard !matches.isEmpty else { continue }
            let utf8 = text.utf8
            for match in matches where !matchedRules.contains(match.ruleIndex) {
                matchedRules.append(match.ruleIndex)
                let rule = rules.rules[match.ruleIndex]
                guard let kind = Self.kind(of: rule.role) else { continue }  // a conditional's words only mask "exploited"
                let span = utf8.index(utf8.startIndex, offsetBy: match.range.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: match.range.upperBound)
                add(UrgencyReason(kind: kind, ruleID: rule.id, matchedText: Self.bounded(String(decoding: utf8[span], as: UTF8.self)),
                                  field: field))
            }
        }
        var seenTags = Set<String>()
        for tag in evidence where healthProductTags.contains(tag.tagID) && seenTags.insert(tag.tagID).inserted {
            add(UrgencyReason(kind: .healthProduct, ruleID: tag.tagID, matchedText: tag.matchedText, field: tag.field))
        }
        var allCVEs = cves
        for cve in facts.listedCVEs where !allCVEs.contains(cve) { allCVEs.append(cve) }
        for cve in allCVEs where facts.knownExploitedCVEs.contains(cve) {
            add(UrgencyReason(kind: .knownExploited, ruleID: "kev", matchedText: cve, field: "facts"))
        }
        if let reference = Self.certFRAlertReference(in: fields.first?.text ?? "")
            ?? facts.references.lazy.compactMap({ Self.certFRAlertReference(in: $0) }).first {
            add(UrgencyReason(kind: .certFRAlert, ruleID: "certfr", matchedText: reference, field: "facts"))
        }
        let score = max(cvss ?? 0, facts.cvss ?? 0)
        if score >= 9 {
            add(UrgencyReason(kind: .criticalScore, ruleID: "cvss", matchedText: Self.scoreText(score), field: "facts"))
        }

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
        return (level, found.flatMap { $0 })
    }

    /// The order reasons are given in: facts first, then what the text says.
    static let kinds: [UrgencyReason.Kind] = [.knownExploited, .certFRAlert, .exploited, .campaign, .product, .healthProduct, .flaw,
                                              .criticalScore, .unauthenticated, .remoteCode, .fix, .negation, .consumer]

    /// A kind's place in `kinds` (a switch: no table to reach on every item).
    static func slot(_ kind: UrgencyReason.Kind) -> Int {
        switch kind {
        case .knownExploited: return 0
        case .certFRAlert: return 1
        case .exploited: return 2
        case .campaign: return 3
        case .product: return 4
        case .healthProduct: return 5
        case .flaw: return 6
        case .criticalScore: return 7
        case .unauthenticated: return 8
        case .remoteCode: return 9
        case .fix: return 10
        case .negation: return 11
        case .consumer: return 12
        }
    }

    private static func kind(of role: UrgencyRules.Rule.Role) -> UrgencyReason.Kind? {
        switch role {
        case .product: return .product
        case .signal(let signal):
            switch signal {
            case .exploited: return .exploited
            case .campaign: return .campaign
            case .flaw: return .flaw
            case .unauthenticated: return .unauthenticated
            case .remoteCode: return .remoteCode
            case .fix: return .fix
            case .negation: return .negation
            case .consumer: return .consumer
            case .conditional: return nil
            }
        }
    }

    /// "CERTFR-2026-ALE-012" when the text holds a CERT-FR alert reference (any case). Read as
    /// bytes: every item's title, address and identity pass here in each tagging round.
    static func certFRAlertReference(in text: String) -> String? {
        var text = text
        return text.withUTF8 { certFRAlertReference(in: $0) }
    }

    private static func certFRAlertReference(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        // Lower-case ASCII words, compared case-insensitively (a static string: no array per call).
        func matches(_ word: StaticString, at index: Int) -> Bool {
            word.withUTF8Buffer { word in index + word.count <= bytes.count && word.indices.allSatisfy { bytes[index + $0] | 0x20 == word[$0] } }
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        var index = 0
        while index + 15 <= bytes.count {
            defer { index += 1 }
            guard bytes[index] | 0x20 == 0x63, matches("certfr-", at: index) else { continue }
            let year = index + 7
            guard (year..<year + 4).allSatisfy({ isDigit(bytes[$0]) }), matches("-ale-", at: year + 4) else { continue }
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
