import Model

/// Scores and tags one item's text against the taxonomy.
///
/// score = clamp(1 − Π(1 − wᵢ) − Σ|wⱼ|, 0, 1) over the positive rules i and negative rules j
/// matched (each rule counted once), the incident bonus joining the wᵢ when it applies;
/// `health` is `score >= threshold`. With urgency rules, the item's urgency is judged too
/// (`UrgencyAssessor`).
public struct Classifier: Sendable {
    /// The evidence that says the incident bonus was applied (no tag, no matched text).
    public static let incidentBonusRuleID = "bonus.incident"
    /// The evidence that says a health item was left out for want of a security or privacy subject.
    public static let noSubjectRuleID = "sujet.absent"
    public let taxonomy: Taxonomy
    public let urgency: UrgencyAssessor?
    private let matcher: TermMatcher
    /// Changes whenever the tagging or urgency rules do, so that stored items are judged again.
    public let fingerprint: String

    /// The products news items name (nil: none looked for).
    let products: ProductMatcher?

    public init(taxonomy: Taxonomy, urgencyRules: UrgencyRules? = nil, products: ProductMatcher? = nil) {
        self.taxonomy = taxonomy
        self.products = products
        urgency = urgencyRules.map { UrgencyAssessor(rules: $0, tags: taxonomy.tags) }
        matcher = TermMatcher(rules: taxonomy.rules)
        let base = urgencyRules.map { StableHash.hex([taxonomy.fingerprint, $0.fingerprint]) } ?? taxonomy.fingerprint
        // A new list of products matches every item again, as new rules do.
        fingerprint = products.map { StableHash.hex([base, $0.fingerprint]) } ?? base
    }

    /// - Parameters: `summary` and `content` may be HTML; their markup is ignored. `facts`
    ///   serve the urgency judgment only.
    public func classify(title: String, summary: String, content: String, facts: UrgencyFacts = UrgencyFacts()) -> Classification {
        var evidence: [TagEvidence] = []
        var matchedRules = Set<Int>()
        var cves: [String] = []
        var cvss: Double?
        var securitySubject = false
        let fields = [("title", title), ("summary", PlainText.from(html: summary)), ("content", PlainText.from(html: content))]
        // Each field is split into words once, for the tagging rules and the urgency rules.
        var words: [WordTokenizer.ScannedWords?] = [nil, nil, nil]
        for (position, (field, text)) in fields.enumerated() where !text.isEmpty {
            let utf8 = Array(text.utf8)
            let split = WordTokenizer.scan(text)
            if (urgency != nil || products != nil) && position < 2 { words[position] = split }
            let scanned = matcher.scan(text, words: split)
            for match in scanned.matches where matchedRules.insert(match.ruleIndex).inserted {
                let rule = taxonomy.rules[match.ruleIndex]
                // A mask only hides its words; one subject's words are enough to explain the flag (a
                // tagged rule that is also a subject keeps its evidence: it sets a tag).
                if rule.tagID == nil && (rule.subject == .notSecurity || (rule.subject == .security && securitySubject)) { continue }
                if rule.subject == .security { securitySubject = true }
                // Negative rules set no tag (empty tag id) but their evidence still explains the score.
                evidence.append(TagEvidence(tagID: rule.tagID ?? "", ruleID: rule.id, matchedText: String(decoding: utf8[match.range], as: UTF8.self), field: field))
            }
            if scanned.mentionsCVE { cves.append(contentsOf: CVEExtractor.ids(in: text)) }
            if scanned.mentionsCVSS, let score = CVSSExtractor.highestScore(in: text) { cvss = max(cvss ?? 0, score) }
        }
        var keep = 1.0
        var penalty = 0.0
        var reportsIncident = false
        var healthCue = false  // a positive rule other than an incident's
        for index in matchedRules {
            let rule = taxonomy.rules[index]
            if rule.subject == .security || rule.tagID.map(taxonomy.subjectTags.contains) == true { securitySubject = true }
            if rule.weight > 0 { keep *= 1 - rule.weight } else { penalty += -rule.weight }
            if let tag = rule.tagID, taxonomy.incidentTags.contains(tag) { reportsIncident = true } else if rule.weight > 0 { healthCue = true }
        }
        if reportsIncident, healthCue, taxonomy.incidentBonus > 0, 1 - keep < taxonomy.threshold {
            keep *= 1 - taxonomy.incidentBonus
            evidence.append(TagEvidence(tagID: "", ruleID: Classifier.incidentBonusRuleID, matchedText: "", field: "score"))
        }
        let score = min(1, max(0, 1 - keep - penalty))
        let rounded = (score * 1000).rounded() / 1000
        var seen = Set<String>()
        var health = rounded >= taxonomy.threshold
        if health, taxonomy.subjectRequired, !securitySubject {
            // About health, but not about security or privacy: not for the watch (the score stays, to explain).
            health = false
            evidence.append(TagEvidence(tagID: "", ruleID: Classifier.noSubjectRuleID, matchedText: "", field: "score"))
        }
        var classification = Classification(score: rounded, health: health, evidence: evidence,
                                            cves: cves.filter { seen.insert($0).inserted }, cvss: cvss)
        if let products {
            classification.products = products.mentions(title: fields[0].1, summary: fields[1].1, titleWords: words[0], summaryWords: words[1])
        }
        if let urgency {
            // The title, and the summary (else the beginning of the content).
            var read = [(field: "title", text: fields[0].1, words: words[0])]
            if !fields[1].1.isEmpty {
                read.append((field: "summary", text: fields[1].1, words: words[1]))
            } else if !fields[2].1.isEmpty {
                read.append((field: "content", text: String(fields[2].1.prefix(UrgencyAssessor.contentPrefix)), words: nil))
            }
            (classification.urgency, classification.urgencyReasons) = urgency.assess(
                fields: read, evidence: evidence, cves: classification.cves, cvss: cvss, facts: facts)
        }
        return classification
    }
}

/// CVE identifiers (`CVE-YYYY-NNNN…`), normalised to upper case, in order of appearance.
public enum CVEExtractor {
    public static func ids(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        var result: [String] = []
        var index = 0
        while index + 13 <= bytes.count {
            defer { index += 1 }
            guard bytes[index] | 0x20 == UInt8(ascii: "c"), bytes[index + 1] | 0x20 == UInt8(ascii: "v"),
                  bytes[index + 2] | 0x20 == UInt8(ascii: "e"), bytes[index + 3] == UInt8(ascii: "-") || bytes[index + 3] == 0xE2
            else { continue }
            if index > 0, isAlphanumeric(bytes[index - 1]) { continue }
            var cursor = index + 4
            if bytes[index + 3] == 0xE2 {  // en dash or non-breaking hyphen, as typeset in some advisories
                guard index + 6 < bytes.count, bytes[index + 4] == 0x80, bytes[index + 5] == 0x93 || bytes[index + 5] == 0x91 else { continue }
                cursor = index + 6
            }
            let yearStart = cursor
            while cursor < bytes.count, isDigit(bytes[cursor]) { cursor += 1 }
            guard cursor - yearStart == 4, cursor < bytes.count, bytes[cursor] == UInt8(ascii: "-") else { continue }
            cursor += 1
            let numberStart = cursor
            while cursor < bytes.count, isDigit(bytes[cursor]) { cursor += 1 }
            guard (4...7).contains(cursor - numberStart), cursor == bytes.count || !isAlphanumeric(bytes[cursor]) else { continue }
            let year = String(decoding: bytes[yearStart..<yearStart + 4], as: UTF8.self)
            let number = String(decoding: bytes[numberStart..<cursor], as: UTF8.self)
            result.append("CVE-\(year)-\(number)")
            index = cursor - 1
        }
        return result
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isAlphanumeric(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) }
}
