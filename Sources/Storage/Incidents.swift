import Foundation
import GRDB
import Model

/// What an import did.
public struct IncidentImportResult: Sendable, Equatable {
    public var new = 0
    public var updated = 0
    public var unchanged = 0

    public init(new: Int = 0, updated: Int = 0, unchanged: Int = 0) {
        self.new = new
        self.updated = updated
        self.unchanged = unchanged
    }
}

/// A declaration as `incidents show` prints it, private fields included.
public struct StoredIncident: Sendable {
    public var declaration: IncidentDeclaration
    public var status: IncidentStatus
    public var qualifiedNature: IncidentNature?
    public var qualifiedCategory: IncidentCategory?
    public var steps: [(step: IncidentStatus, at: Date, actor: String, note: String?)]
    public var revisions: [(replacedAt: Date, changed: [String])]
}

public struct IncidentError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The same in French, for the desk (the command line speaks English).
    public var french: String?
    public init(_ description: String, french: String? = nil) {
        self.description = description
        self.french = french
    }
}

extension Store {
    /// Imports declarations in one transaction (all or none): new ones are received, changed
    /// ones keep their previous version, unchanged ones are skipped (re-import is idempotent).
    public func importIncidents(_ declarations: [IncidentDeclaration], actor: String, at now: Date = Date()) throws -> IncidentImportResult {
        try write { db in
            var result = IncidentImportResult()
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            encoder.dateEncodingStrategy = .secondsSince1970
            for declaration in declarations {
                let json = String(decoding: try encoder.encode(declaration), as: UTF8.self)
                let hash = ContentHash.of([json])
                if let row = try Row.fetchOne(db, sql: "SELECT content_hash FROM incident WHERE id = ?", arguments: [declaration.id]) {
                    guard (row["content_hash"] as String) != hash else { result.unchanged += 1; continue }
                    let previous = try Self.storedDeclaration(db, id: declaration.id)
                    let changed = Self.changedFields(previous, declaration)
                    try db.execute(sql: "INSERT INTO incident_revision (incident_id, replaced_at, previous, changed_fields) VALUES (?, ?, ?, ?)",
                                   arguments: [declaration.id, now.timeIntervalSince1970,
                                               String(decoding: try encoder.encode(previous), as: UTF8.self), changed.joined(separator: ",")])
                    try Self.writeIncident(db, declaration, hash: hash, now: now, insert: false)
                    result.updated += 1
                } else {
                    try Self.writeIncident(db, declaration, hash: hash, now: now, insert: true)
                    try db.execute(sql: "INSERT INTO incident_step (incident_id, step, at, actor) VALUES (?, 'received', ?, ?)",
                                   arguments: [declaration.id, now.timeIntervalSince1970, actor])
                    result.new += 1
                }
            }
            return result
        }
    }

    private static func writeIncident(_ db: Database, _ d: IncidentDeclaration, hash: String, now: Date, insert: Bool) throws {
        let values: [(String, (any DatabaseValueConvertible)?)] = [
            ("declared_at", d.declaredAt.timeIntervalSince1970), ("occurred_at", d.occurredAt?.timeIntervalSince1970),
            ("structure_type", d.structureType.rawValue), ("region", d.region), ("nature", d.nature.rawValue),
            ("category", d.category.rawValue), ("care_disrupted", d.careDisrupted), ("health_data_affected", d.healthDataAffected),
            ("support_requested", d.supportRequested), ("unavailability_hours", d.unavailabilityHours),
            ("cves", json(d.cves)), ("products", json(d.products)), ("structure_name", d.structureName),
            ("description", d.description), ("content_hash", hash), ("updated_at", now.timeIntervalSince1970),
        ]
        if insert {
            let columns = ["id", "status", "imported_at"] + values.map(\.0)
            try db.execute(sql: "INSERT INTO incident (\(columns.joined(separator: ", "))) VALUES (\(databaseQuestionMarks(count: columns.count)))",
                           arguments: StatementArguments([d.id, "received", now.timeIntervalSince1970] + values.map(\.1)))
        } else {
            try db.execute(sql: "UPDATE incident SET \(values.map { "\($0.0) = ?" }.joined(separator: ", ")) WHERE id = ?",
                           arguments: StatementArguments(values.map(\.1) + [d.id]))
        }
    }

    private static func changedFields(_ a: IncidentDeclaration, _ b: IncidentDeclaration) -> [String] {
        var changed: [String] = []
        if a.declaredAt != b.declaredAt { changed.append("declared_at") }
        if a.occurredAt != b.occurredAt { changed.append("occurred_at") }
        if a.structureType != b.structureType { changed.append("structure_type") }
        if a.region != b.region { changed.append("region") }
        if a.nature != b.nature { changed.append("nature") }
        if a.category != b.category { changed.append("category") }
        if a.careDisrupted != b.careDisrupted { changed.append("care_disrupted") }
        if a.healthDataAffected != b.healthDataAffected { changed.append("health_data_affected") }
        if a.supportRequested != b.supportRequested { changed.append("support_requested") }
        if a.unavailabilityHours != b.unavailabilityHours { changed.append("unavailability_hours") }
        if a.cves != b.cves { changed.append("cves") }
        if a.products != b.products { changed.append("products") }
        if a.structureName != b.structureName { changed.append("structure_name") }
        if a.description != b.description { changed.append("description") }
        return changed
    }

    private static func storedDeclaration(_ db: Database, id: String) throws -> IncidentDeclaration {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM incident WHERE id = ?", arguments: [id]) else {
            throw IncidentError("no declaration \"\(id)\"")
        }
        return IncidentDeclaration(
            id: row["id"], declaredAt: Date(timeIntervalSince1970: row["declared_at"]), occurredAt: date(row["occurred_at"]),
            structureType: StructureType(rawValue: row["structure_type"]) ?? .autre, region: row["region"],
            nature: IncidentNature(rawValue: row["nature"]) ?? .inconnu, category: IncidentCategory(rawValue: row["category"]) ?? .autre,
            careDisrupted: row["care_disrupted"], healthDataAffected: row["health_data_affected"], supportRequested: row["support_requested"],
            unavailabilityHours: row["unavailability_hours"], cves: decodeList(row["cves"]), products: decodeList(row["products"]),
            structureName: row["structure_name"], description: row["description"])
    }

    private static func decodeList(_ text: String?) -> [String] {
        guard let text else { return [] }
        return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    /// The cell's next step on a declaration: qualified (the analyst confirms or corrects nature
    /// and category), support (opened for declarations that asked for it), closed.
    public func advanceIncident(_ id: String, to step: IncidentStatus, actor: String, note: String?,
                                nature: IncidentNature? = nil, category: IncidentCategory? = nil, at now: Date = Date()) throws {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT status, support_requested FROM incident WHERE id = ?", arguments: [id]) else {
                throw IncidentError("no declaration \"\(id)\"", french: "aucune déclaration « \(id) »")
            }
            let current = IncidentStatus(rawValue: row["status"]) ?? .received
            let supportRequested: Bool = row["support_requested"]
            let allowed: Set<IncidentStatus>
            switch current {
            case .received: allowed = [.qualified]
            case .qualified: allowed = supportRequested ? [.support, .closed] : [.closed]
            case .support: allowed = [.closed]
            case .closed: allowed = []
            }
            guard allowed.contains(step) else {
                let reason = step == .support && !supportRequested ? " (this declaration asked for no support)" : ""
                throw IncidentError("declaration \(id) is \(current.rawValue): it can go to "
                    + (allowed.isEmpty ? "no further step" : allowed.map(\.rawValue).sorted().joined(separator: " or ")) + ", not \(step.rawValue)\(reason)",
                    french: "cette étape ne suit pas l'état actuel de la déclaration \(id)"
                        + (step == .support && !supportRequested ? " (elle ne demandait pas d'accompagnement)" : ""))
            }
            if step == .qualified {
                try db.execute(sql: "UPDATE incident SET qualified_nature = ?, qualified_category = ? WHERE id = ?",
                               arguments: [nature?.rawValue, category?.rawValue, id])
            }
            try db.execute(sql: "UPDATE incident SET status = ?, updated_at = ? WHERE id = ?", arguments: [step.rawValue, now.timeIntervalSince1970, id])
            try db.execute(sql: "INSERT INTO incident_step (incident_id, step, at, actor, note) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, step.rawValue, now.timeIntervalSince1970, actor, note])
        }
    }

    public func incident(id: String) throws -> StoredIncident? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT status, qualified_nature, qualified_category FROM incident WHERE id = ?", arguments: [id]) else { return nil }
            let steps = try Row.fetchAll(db, sql: "SELECT * FROM incident_step WHERE incident_id = ? ORDER BY id", arguments: [id]).map { step in
                (step: IncidentStatus(rawValue: step["step"]) ?? .received, at: Date(timeIntervalSince1970: step["at"]),
                 actor: step["actor"] as String, note: step["note"] as String?)
            }
            let revisions = try Row.fetchAll(db, sql: "SELECT replaced_at, changed_fields FROM incident_revision WHERE incident_id = ? ORDER BY replaced_at",
                                             arguments: [id]).map { revision in
                (replacedAt: Date(timeIntervalSince1970: revision["replaced_at"]),
                 changed: (revision["changed_fields"] as String).split(separator: ",").map(String.init))
            }
            return StoredIncident(
                declaration: try Self.storedDeclaration(db, id: id), status: IncidentStatus(rawValue: row["status"]) ?? .received,
                qualifiedNature: (row["qualified_nature"] as String?).flatMap(IncidentNature.init(rawValue:)),
                qualifiedCategory: (row["qualified_category"] as String?).flatMap(IncidentCategory.init(rawValue:)),
                steps: steps, revisions: revisions)
        }
    }

    /// What statistics and alert rules may read: never `structure_name` nor `description`.
    public func incidentFacts() throws -> [IncidentFacts] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, declared_at, occurred_at, structure_type, region, coalesce(qualified_nature, nature) AS nature,
                    coalesce(qualified_category, category) AS category, care_disrupted, health_data_affected, support_requested,
                    status, cves, products,
                    (SELECT min(at) FROM incident_step WHERE incident_id = incident.id AND step = 'qualified') AS qualified_at,
                    (SELECT min(at) FROM incident_step WHERE incident_id = incident.id AND step = 'support') AS support_at,
                    (SELECT min(at) FROM incident_step WHERE incident_id = incident.id AND step = 'closed') AS closed_at
                FROM incident ORDER BY declared_at, id
                """).map { row in
                IncidentFacts(
                    id: row["id"], declaredAt: Date(timeIntervalSince1970: row["declared_at"]), occurredAt: Self.date(row["occurred_at"]),
                    structureType: StructureType(rawValue: row["structure_type"]) ?? .autre, region: row["region"],
                    nature: IncidentNature(rawValue: row["nature"]) ?? .inconnu, category: IncidentCategory(rawValue: row["category"]) ?? .autre,
                    careDisrupted: row["care_disrupted"], healthDataAffected: row["health_data_affected"],
                    supportRequested: row["support_requested"], status: IncidentStatus(rawValue: row["status"]) ?? .received,
                    qualifiedAt: Self.date(row["qualified_at"]), supportAt: Self.date(row["support_at"]), closedAt: Self.date(row["closed_at"]),
                    cves: Self.decodeList(row["cves"]), products: Self.decodeList(row["products"]))
            }
        }
    }
}
