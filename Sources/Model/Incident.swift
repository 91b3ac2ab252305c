import Foundation

/// The kinds of health structure a declaration may come from.
public enum StructureType: String, Sendable, Codable, CaseIterable {
    case chu = "CHU", ch = "CH", clinique, espic = "ESPIC", ehpad = "EHPAD", laboratoire, radiologie, ght = "GHT", autre
}

public enum IncidentNature: String, Sendable, Codable, CaseIterable {
    case malveillant, accidentel, inconnu
}

/// The cell's categories, with their place in the RSIT reference taxonomy (ENISA, "Reference
/// Security Incident Taxonomy") and among the incident types of NIS2 reporting (docs/incidents.md).
public enum IncidentCategory: String, Sendable, Codable, CaseIterable {
    case rancongiciel = "rançongiciel"
    case hameconnage = "hameçonnage"
    case compromissionDeCompte = "compromission de compte"
    case ddos = "DDoS"
    case fuiteDeDonnees = "fuite de données"
    case defiguration = "défiguration"
    case panne
    case erreurHumaine = "erreur humaine"
    case vulnerabiliteExploitee = "vulnérabilité exploitée"
    case autre

    /// RSIT class / type.
    public var rsit: String {
        switch self {
        case .rancongiciel: return "Malicious Code / Ransomware (malware)"
        case .hameconnage: return "Fraud / Phishing"
        case .compromissionDeCompte: return "Intrusions / Unauthorised access to information"
        case .ddos: return "Availability / DDoS"
        case .fuiteDeDonnees: return "Information Content Security / Unauthorised access to information"
        case .defiguration: return "Intrusions / Application compromise"
        case .panne: return "Availability / Outage"
        case .erreurHumaine: return "Information Content Security / Data loss"
        case .vulnerabiliteExploitee: return "Intrusions / Exploitation of known vulnerability"
        case .autre: return "Other / Undetermined"
        }
    }

    /// NIS2 incident type, as national reporting forms group them.
    public var nis2: String {
        switch self {
        case .rancongiciel, .compromissionDeCompte, .defiguration, .vulnerabiliteExploitee: return "malicious action — compromise of systems"
        case .hameconnage: return "malicious action — fraud, social engineering"
        case .ddos: return "malicious action — denial of service"
        case .fuiteDeDonnees: return "confidentiality breach — data exfiltration or exposure"
        case .panne: return "system failure — non-malicious"
        case .erreurHumaine: return "human error — non-malicious"
        case .autre: return "other"
        }
    }
}

/// One declared incident, as the import file gives it. `structureName` and `description` are
/// private: they never leave the database.
public struct IncidentDeclaration: Sendable, Equatable, Codable {
    public var id: String
    public var declaredAt: Date
    public var occurredAt: Date?
    public var structureType: StructureType
    /// INSEE region code ("11" Île-de-France … "94" Corse, "01"–"06" overseas).
    public var region: String
    public var nature: IncidentNature
    public var category: IncidentCategory
    public var careDisrupted: Bool
    public var healthDataAffected: Bool
    public var supportRequested: Bool
    public var unavailabilityHours: Double?
    public var cves: [String]
    public var products: [String]
    public var structureName: String?
    public var description: String?

    public init(id: String, declaredAt: Date, occurredAt: Date?, structureType: StructureType, region: String, nature: IncidentNature,
                category: IncidentCategory, careDisrupted: Bool, healthDataAffected: Bool, supportRequested: Bool,
                unavailabilityHours: Double?, cves: [String], products: [String], structureName: String?, description: String?) {
        self.id = id
        self.declaredAt = declaredAt
        self.occurredAt = occurredAt
        self.structureType = structureType
        self.region = region
        self.nature = nature
        self.category = category
        self.careDisrupted = careDisrupted
        self.healthDataAffected = healthDataAffected
        self.supportRequested = supportRequested
        self.unavailabilityHours = unavailabilityHours
        self.cves = cves
        self.products = products
        self.structureName = structureName
        self.description = description
    }
}

/// The cell's work on a declaration.
public enum IncidentStatus: String, Sendable, Codable, CaseIterable {
    case received, qualified, support, closed
}

/// What statistics may read of a declaration: no private field, the analyst's qualification
/// where there is one.
public struct IncidentFacts: Sendable, Equatable {
    public var id: String
    public var declaredAt: Date
    public var occurredAt: Date?
    public var structureType: StructureType
    public var region: String
    public var nature: IncidentNature
    public var category: IncidentCategory
    public var careDisrupted: Bool
    public var healthDataAffected: Bool
    public var supportRequested: Bool
    public var status: IncidentStatus
    public var qualifiedAt: Date?
    public var supportAt: Date?
    public var closedAt: Date?
    public var cves: [String]
    public var products: [String]

    public init(id: String, declaredAt: Date, occurredAt: Date?, structureType: StructureType, region: String, nature: IncidentNature,
                category: IncidentCategory, careDisrupted: Bool, healthDataAffected: Bool, supportRequested: Bool,
                status: IncidentStatus, qualifiedAt: Date?, supportAt: Date?, closedAt: Date?, cves: [String], products: [String]) {
        self.id = id
        self.declaredAt = declaredAt
        self.occurredAt = occurredAt
        self.structureType = structureType
        self.region = region
        self.nature = nature
        self.category = category
        self.careDisrupted = careDisrupted
        self.healthDataAffected = healthDataAffected
        self.supportRequested = supportRequested
        self.status = status
        self.qualifiedAt = qualifiedAt
        self.supportAt = supportAt
        self.closedAt = closedAt
        self.cves = cves
        self.products = products
    }
}
