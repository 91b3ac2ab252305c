import Foundation
import Model

/// The documented rules that turn declarations and advisories into draft sector alerts
/// (docs/incidents.md). Each has a threshold; below it, it stays silent.
public struct AlertRules: Sendable {
    /// A burst: at least `burstCount` declarations of one category within `burstDays` days,
    /// nationally; at least `regionalBurstCount` in one region.
    public var burstCount: Int
    public var regionalBurstCount: Int
    public var burstDays: Int
    /// Declarations citing a CVE or product count for this long.
    public var citationDays: Int
    /// Counts below this are never written in an alert (the observatory's k): an alert from
    /// fewer declarations speaks of the threat, not of them.
    public var smallestCountShown: Int

    public init(burstCount: Int = 5, regionalBurstCount: Int = 5, burstDays: Int = 7, citationDays: Int = 30, smallestCountShown: Int = 5) {
        self.burstCount = burstCount
        self.regionalBurstCount = regionalBurstCount
        self.burstDays = burstDays
        self.citationDays = citationDays
        self.smallestCountShown = smallestCountShown
    }

    /// "12 structures", or "Plusieurs structures" below the anonymity threshold.
    func structures(_ count: Int) -> String {
        count >= smallestCountShown ? "\(count) structures" : "Plusieurs structures"
    }

    /// What the store knows of a CVE or product from advisories and the KEV catalog.
    public struct Knowledge: Sendable {
        /// CVE → the stored items (advisories, news) that cite it.
        public var itemsByCVE: [String: [Int64]]
        /// Lower-cased product name → advisory items that list it.
        public var advisoriesByProduct: [String: [Int64]]
        /// CVEs of CISA's KEV catalog, with the due date of the required action.
        public var knownExploited: [String: KnownExploitedVulnerability]
        /// Known-exploited CVEs cited by items about health products: CVE → those items and
        /// the products they name.
        public var healthProductsByKnownExploitedCVE: [String: (items: [Int64], products: [String])]

        public init(itemsByCVE: [String: [Int64]] = [:], advisoriesByProduct: [String: [Int64]] = [:],
                    knownExploited: [String: KnownExploitedVulnerability] = [:],
                    healthProductsByKnownExploitedCVE: [String: (items: [Int64], products: [String])] = [:]) {
            self.itemsByCVE = itemsByCVE
            self.advisoriesByProduct = advisoriesByProduct
            self.knownExploited = knownExploited
            self.healthProductsByKnownExploitedCVE = healthProductsByKnownExploitedCVE
        }
    }

    public func candidates(facts: [IncidentFacts], knowledge: Knowledge, now: Date) -> [AlertCandidate] {
        let recent = facts.filter { $0.declaredAt <= now && now.timeIntervalSince($0.declaredAt) < Double(citationDays) * 86_400 }
        return bursts(facts, now: now) + declaredCVEs(recent, knowledge: knowledge) + knownExploitedHealthProducts(knowledge)
    }

    /// Rule 1, "burst": within the last `burstDays` days.
    func bursts(_ facts: [IncidentFacts], now: Date) -> [AlertCandidate] {
        let window = facts.filter { $0.declaredAt <= now && now.timeIntervalSince($0.declaredAt) < Double(burstDays) * 86_400 }
        var candidates: [AlertCandidate] = []
        for (category, group) in Dictionary(grouping: window, by: \.category).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            if group.count >= burstCount {
                candidates.append(burst(category, count: group.count, scope: "national", label: "au niveau national", severity: .high))
            }
            for (region, regional) in Dictionary(grouping: group, by: \.region).sorted(by: { $0.key < $1.key }) where regional.count >= regionalBurstCount {
                let name = ObservatoryStatistics.regionNames[region] ?? region
                candidates.append(burst(category, count: regional.count, scope: "region-\(region)", label: "en \(name)", severity: .moderate))
            }
        }
        return candidates
    }

    private func burst(_ category: IncidentCategory, count: Int, scope: String, label: String, severity: AlertSeverity) -> AlertCandidate {
        AlertCandidate(
            // Ransomware stops care: its bursts rank one level higher.
            rule: "burst", key: "burst:\(category.rawValue):\(scope)",
            severity: category == .rancongiciel ? (severity == .high ? .critical : .high) : severity,
            title: "Vague de déclarations « \(category.rawValue) » \(label)",
            summary: "\(structures(count)) de santé ont déclaré un incident de catégorie « \(category.rawValue) » \(label) au cours des \(burstDays) derniers jours.",
            requiredAction: "Vérifier l'exposition de votre structure et renforcer la vigilance sur ce type d'attaque.",
            measures: Self.measures[category])
    }

    /// Rule 2, "declared CVE": a declaration (of the last `citationDays`) cites a CVE known from
    /// an advisory or the KEV catalog, or a product an advisory lists.
    func declaredCVEs(_ facts: [IncidentFacts], knowledge: Knowledge) -> [AlertCandidate] {
        var byCVE: [String: [IncidentFacts]] = [:]
        for fact in facts {
            for cve in fact.cves where knowledge.itemsByCVE[cve] != nil || knowledge.knownExploited[cve] != nil {
                byCVE[cve, default: []].append(fact)
            }
        }
        var candidates = byCVE.keys.sorted().map { cve -> AlertCandidate in
            let known = knowledge.knownExploited[cve]
            let count = byCVE[cve]!.count
            let kevListing = known.map { " au catalogue KEV de la CISA depuis le \(FrenchDay.words(fromKey: $0.dateAdded))"
                + Self.naming($0, prefix: " (", suffix: ")") }
            // Fewer than k declarations are never spoken of: the alert is about the flaw alone.
            let disclosed = count >= smallestCountShown
            return AlertCandidate(
                rule: "declared-cve", key: "declared-cve:\(cve)", severity: known != nil ? .critical : .high,
                title: disclosed ? "\(cve) exploitée contre des structures de santé"
                    : (known != nil ? "\(cve) activement exploitée" + Self.naming(known!, prefix: " : ", suffix: "") : "\(cve) : correctif à appliquer"),
                summary: disclosed
                    ? "\(count) déclarations d'incident citent \(cve)" + (kevListing.map { "," + $0 } ?? ", objet d'un avis de sécurité") + "."
                    : (kevListing.map { "\(cve) est" + $0 + "." } ?? "\(cve) fait l'objet d'un avis de sécurité."),
                products: known.flatMap { Self.product($0) }.map { [$0] } ?? [], cves: [cve],
                requiredAction: "Appliquer le correctif ou la mesure de contournement de l'éditeur.",
                dueDate: known?.dueDate, references: knowledge.itemsByCVE[cve] ?? [])
        }
        var byProduct: [String: [IncidentFacts]] = [:]
        for fact in facts {
            for product in fact.products where knowledge.advisoriesByProduct[product.lowercased()] != nil {
                byProduct[product.lowercased(), default: []].append(fact)
            }
        }
        candidates += byProduct.keys.sorted().map { product in
            let count = byProduct[product]!.count
            return AlertCandidate(
                rule: "declared-product", key: "declared-product:\(product)", severity: .high,
                title: count >= smallestCountShown ? "Produit visé par un avis cité dans des déclarations : \(product)"
                    : "Produit visé par un avis de sécurité : \(product)",
                summary: count >= smallestCountShown
                    ? "\(count) déclarations d'incident citent « \(product) », objet d'un avis de sécurité."
                    : "« \(product) » fait l'objet d'un avis de sécurité.",
                products: [product], requiredAction: "Appliquer les recommandations de l'avis de l'éditeur.",
                references: knowledge.advisoriesByProduct[product] ?? [])
        }
        return candidates
    }

    /// Rule 3, "kev-health-product": a known-exploited CVE cited by items about health products.
    func knownExploitedHealthProducts(_ knowledge: Knowledge) -> [AlertCandidate] {
        knowledge.healthProductsByKnownExploitedCVE.keys.sorted().compactMap { cve in
            guard let entry = knowledge.healthProductsByKnownExploitedCVE[cve], let known = knowledge.knownExploited[cve] else { return nil }
            return AlertCandidate(
                rule: "kev-health-product", key: "kev-health-product:\(cve)", severity: .critical,
                title: "\(cve) activement exploitée" + Self.naming(known, prefix: " : ", suffix: ""),
                summary: "\(cve) (\(known.name)) est au catalogue KEV de la CISA depuis le \(FrenchDay.words(fromKey: known.dateAdded)) "
                    + "et concerne des produits utilisés dans le secteur de la santé.",
                products: entry.products, cves: [cve],
                // The KEV due date is the deadline CISA sets for US federal agencies, not the
                // reader's: the site says so beside `dueDate`, never in the action.
                requiredAction: "Appliquer le correctif de l'éditeur sans attendre.",
                dueDate: known.dueDate, references: entry.items)
        }
    }

    /// "Medirad PACS" from the KEV entry, nil when the catalog entry names neither.
    static func product(_ known: KnownExploitedVulnerability) -> String? {
        let text = [known.vendor, known.product].filter { !$0.isEmpty }.joined(separator: " ")
        return text.isEmpty ? nil : text
    }

    /// The product, else the vulnerability's name in the catalog, framed; "" when neither is known.
    static func naming(_ known: KnownExploitedVulnerability, prefix: String, suffix: String) -> String {
        (product(known) ?? (known.name.isEmpty || known.name == known.cve ? nil : known.name)).map { prefix + $0 + suffix } ?? ""
    }

    static let measures: [IncidentCategory: String] = [
        .rancongiciel: "- Vérifier que les sauvegardes sont déconnectées et restaurables.\n- Surveiller les accès à distance (VPN, RDP) et imposer l'authentification multifacteur.\n- Préparer le mode dégradé des services de soins.",
        .hameconnage: "- Rappeler aux personnels de signaler les messages suspects.\n- Bloquer les domaines et expéditeurs signalés.",
        .compromissionDeCompte: "- Réinitialiser les mots de passe exposés et activer l'authentification multifacteur.",
        .ddos: "- Contacter l'hébergeur ou l'opérateur pour activer la protection anti-DDoS.",
        .fuiteDeDonnees: "- Vérifier les droits d'accès aux données de santé et les partages exposés.",
        .vulnerabiliteExploitee: "- Inventorier les produits concernés et appliquer les correctifs.",
    ]
}
