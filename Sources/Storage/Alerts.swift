import Foundation
import GRDB
import Model

public struct AlertError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The same in French, for the desk (the command line speaks English).
    public var french: String?
    public init(_ description: String, french: String? = nil) {
        self.description = description
        self.french = french
    }
}

/// An alert changed since the version the editor saw: the second of two editors.
public struct AlertConflict: Error, CustomStringConvertible, Sendable {
    public var expectedVersion: Int
    public var current: SectorAlert
    public var description: String {
        "\(current.id) changed since version \(expectedVersion) (now version \(current.version)): reload and apply again"
    }
}

/// One change of an alert.
public struct AlertHistoryEntry: Sendable, Equatable {
    public var at: Date
    public var actor: String
    public var action: String
}

extension Store {
    private static let alertEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    private static func decodeAlert(_ row: Row) throws -> SectorAlert {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(SectorAlert.self, from: Data((row["data"] as String).utf8))
    }

    public func alerts(status: AlertStatus? = nil) throws -> [SectorAlert] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT data FROM alert \(status == nil ? "" : "WHERE status = ?") ORDER BY created_at DESC, id DESC",
                             arguments: status.map { [$0.rawValue] } ?? []).map(Self.decodeAlert)
        }
    }

    public func alert(id: String) throws -> SectorAlert? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT data FROM alert WHERE id = ?", arguments: [id]).map(Self.decodeAlert) }
    }

    public func alertHistory(id: String) throws -> [AlertHistoryEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT at, actor, action FROM alert_history WHERE alert_id = ? ORDER BY id", arguments: [id]).map {
                AlertHistoryEntry(at: Date(timeIntervalSince1970: $0["at"]), actor: $0["actor"], action: $0["action"])
            }
        }
    }

    /// Each alert's versions as the site showed them, oldest first: every publication (by an
    /// editor or the rules) and the closing of a published alert.
    public func alertPublications(ids: [String]) throws -> [String: [AlertPublication]] {
        guard !ids.isEmpty else { return [:] }
        return try pool.read { db in
            var versions: [String: [AlertPublication]] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT alert_id, at, action, after FROM alert_history
                WHERE alert_id IN (\(databaseQuestionMarks(count: ids.count)))
                  AND (action LIKE 'published%' OR action LIKE '%-published' OR action = 'closed') ORDER BY id
                """, arguments: StatementArguments(ids))
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            for row in rows {
                guard let after: String = row["after"], let alert = try? decoder.decode(SectorAlert.self, from: Data(after.utf8)),
                      let content = alert.published else { continue }
                let closed = (row["action"] as String) == "closed"
                versions[row["alert_id"], default: []].append(AlertPublication(at: Date(timeIntervalSince1970: row["at"]), content: content, closed: closed))
            }
            return versions
        }
    }

    /// What the site shows: published (or updated, or closed after publication) and past any embargo.
    public func publicAlerts(at now: Date = Date()) throws -> [SectorAlert] {
        try alerts().filter { $0.isPublic(at: now) }
    }

    private static func save(_ db: Database, _ alert: SectorAlert, before: SectorAlert?, actor: String, action: String, at now: Date) throws {
        let json = String(decoding: try alertEncoder.encode(alert), as: UTF8.self)
        try db.execute(sql: """
            INSERT INTO alert (id, rule, rule_key, severity, status, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET rule_key = excluded.rule_key, severity = excluded.severity, status = excluded.status,
                data = excluded.data, updated_at = excluded.updated_at
            """, arguments: [alert.id, alert.rule, alert.ruleKey, alert.severity.rawValue, alert.status.rawValue, json,
                             alert.createdAt.timeIntervalSince1970, now.timeIntervalSince1970])
        try db.execute(sql: "INSERT INTO alert_history (alert_id, at, actor, action, before, after) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [alert.id, now.timeIntervalSince1970, actor, action,
                                   try before.map { String(decoding: try alertEncoder.encode($0), as: UTF8.self) }, json])
    }

    /// How long a closed alert's situation stays closed.
    static let reopenAfter: TimeInterval = 30 * 86_400

    /// "ALERTE-2026-0007": the next number of the year.
    private static func nextAlertID(_ db: Database, at now: Date) throws -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let prefix = "ALERTE-\(calendar.component(.year, from: now))-"
        let last = try String.fetchOne(db, sql: "SELECT max(id) FROM alert WHERE id LIKE ?", arguments: [prefix + "%"])
        let number = (last.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0) + 1
        return prefix + String(format: "%04d", number)
    }

    /// A rule's proposal: a new draft, or an update of the open alert about the same situation
    /// (same id; a published alert becomes "updated"). Unchanged proposals change nothing.
    /// `publishFrom`: severities published at once, without an editor. Returns the alert and
    /// whether it changed.
    @discardableResult
    public func saveDerivedAlert(_ candidate: AlertCandidate, summaryHTML: String?, measuresHTML: String?,
                                 publishFrom: AlertSeverity?, at now: Date = Date()) throws -> (alert: SectorAlert, changed: Bool) {
        try write { db in
            let existing = try Row.fetchOne(db, sql: "SELECT data FROM alert WHERE rule_key = ? AND status != 'closed'",
                                            arguments: [candidate.key]).map(Self.decodeAlert)
            // An editor closed the alert about this situation: the same situation does not
            // raise it again for `reopenAfter` (the declarations behind it are still recent).
            if existing == nil, let closed = try Row.fetchOne(db, sql: """
                SELECT data FROM alert WHERE rule_key = ? AND status = 'closed' AND updated_at > ? ORDER BY updated_at DESC LIMIT 1
                """, arguments: [candidate.key, now.timeIntervalSince1970 - Self.reopenAfter]).map(Self.decodeAlert) {
                return (closed, false)
            }
            let newID = existing == nil ? try Self.nextAlertID(db, at: now) : ""
            var alert = existing ?? SectorAlert(
                id: newID, rule: candidate.rule, ruleKey: candidate.key, severity: candidate.severity,
                title: candidate.title, summary: candidate.summary, createdBy: "rules", createdAt: now, updatedAt: now, version: 0)
            let before = alert
            // An editor's words stay theirs: the rules then only add what they found.
            // (An alert changed before `editedBy` was kept says so by its pending `changedBy`.)
            let editorsText = alert.editedBy != nil || alert.changedBy != nil
            alert.severity = max(alert.severity, candidate.severity)
            if !editorsText {
                alert.title = candidate.title
                alert.summary = candidate.summary
                alert.summaryHTML = summaryHTML
                alert.requiredAction = candidate.requiredAction ?? alert.requiredAction
                alert.measures = candidate.measures ?? alert.measures
                alert.measuresHTML = measuresHTML ?? alert.measuresHTML
            }
            alert.products = Array(Set(alert.products + candidate.products)).sorted()
            alert.cves = Array(Set(alert.cves + candidate.cves)).sorted()
            alert.dueDate = candidate.dueDate ?? alert.dueDate
            alert.references = Array(Set(alert.references + candidate.references)).sorted()
            guard existing == nil || alert != before else { return (alert, false) }
            // The text as it stands is the rules' again: whoever approves it, another publishes it.
            if !editorsText { alert.changedBy = nil }
            alert.version += 1
            alert.updatedAt = now
            // A change nobody approved: any earlier approval was for other content. The site
            // keeps showing the published content until the change is approved and published.
            alert.approvedBy = nil
            var action = existing == nil ? "derived" : "rule-update"
            // Published at once only when nobody's change waits for a second editor.
            if let threshold = publishFrom, alert.severity >= threshold, alert.changedBy == nil {
                alert.status = alert.published == nil ? .published : .updated
                alert.publishedAt = alert.publishedAt ?? now
                alert.published = alert.content
                action = existing == nil ? "derived-and-published" : "rule-update-published"
            }
            try Self.save(db, alert, before: existing, actor: "rules", action: action, at: now)
            return (alert, true)
        }
    }

    /// An alert written by an editor, as a draft.
    public func createAlert(severity: AlertSeverity, title: String, summary: String, summaryHTML: String?, measures: String?,
                            measuresHTML: String?, products: [String], cves: [String], requiredAction: String?, dueDate: String?,
                            references: [Int64], actor: String, at now: Date = Date()) throws -> SectorAlert {
        try write { db in
            let alert = SectorAlert(
                id: try Self.nextAlertID(db, at: now), rule: nil, ruleKey: nil, severity: severity, title: title, summary: summary,
                summaryHTML: summaryHTML, products: products, cves: cves, requiredAction: requiredAction, dueDate: dueDate,
                measures: measures, measuresHTML: measuresHTML, references: references, createdBy: actor, createdAt: now, updatedAt: now)
            try Self.save(db, alert, before: nil, actor: actor, action: "written", at: now)
            return alert
        }
    }

    /// An editor's change of the text (Markdown, with its sanitized HTML) or severity. It waits
    /// for another editor's approval: any earlier approval was for other content.
    public func editAlert(_ id: String, title: String, severity: AlertSeverity, summary: String, summaryHTML: String?,
                          measures: String?, measuresHTML: String?, actor: String, expectedVersion: Int? = nil,
                          at now: Date = Date()) throws -> SectorAlert {
        try changeAlert(id, actor: actor, action: "edited", expectedVersion: expectedVersion, at: now) { alert in
            guard alert.status != .closed else { throw AlertError("\(id) is closed", french: "l'alerte \(id) est close") }
            let before = alert.content
            alert.title = title
            alert.severity = severity
            alert.summary = summary
            alert.summaryHTML = summaryHTML
            alert.measures = measures
            alert.measuresHTML = measuresHTML
            guard alert.content != before else { throw AlertError("nothing changed", french: "rien n'a changé") }
            alert.changedBy = actor
            alert.editedBy = actor
            alert.approvedBy = nil
        }
    }

    /// Approval by an editor other than the one who wrote the content as it stands.
    public func approveAlert(_ id: String, actor: String, expectedVersion: Int? = nil, at now: Date = Date()) throws -> SectorAlert {
        try changeAlert(id, actor: actor, action: "approved", expectedVersion: expectedVersion, at: now) { alert in
            guard alert.status == .draft || alert.hasPendingChanges else {
                throw AlertError("\(id) is \(alert.status.rawValue), with no change to approve", french: "l'alerte \(id) n'a aucun changement à approuver")
            }
            guard alert.author != actor else {
                throw AlertError("\(id) was written by \(actor): another editor must approve it",
                                 french: "vous avez écrit cette version de l'alerte \(id) : un autre éditeur doit l'approuver")
            }
            guard alert.approvedBy == nil else {
                throw AlertError("\(id) is already approved", french: "l'alerte \(id) est déjà approuvée")
            }
            alert.approvedBy = actor
        }
    }

    /// Publishes (at once, or from `embargoUntil`). With `requireApproval`, two people saw the
    /// content: its author and the approver (`approveAlert` keeps them apart), or, for what the
    /// rules wrote, the approver and another publisher.
    public func publishAlert(_ id: String, actor: String, requireApproval: Bool, embargoUntil: Date? = nil, expectedVersion: Int? = nil,
                             at now: Date = Date()) throws -> SectorAlert {
        try changeAlert(id, actor: actor, action: embargoUntil.map { "published (embargo until \(ISO8601UTC.string(from: $0)))" } ?? "published",
                        expectedVersion: expectedVersion, at: now) { alert in
            guard alert.status == .draft || alert.hasPendingChanges else {
                throw AlertError("\(id) is \(alert.status.rawValue), with no change to publish", french: "l'alerte \(id) n'a aucun changement à publier")
            }
            if requireApproval {
                guard let approver = alert.approvedBy else {
                    throw AlertError("\(id) needs a second editor's approval first (alerts approve \(id))",
                                     french: "l'alerte \(id) attend d'abord l'approbation d'un second éditeur")
                }
                guard alert.author != "rules" || approver != actor else {
                    throw AlertError("\(id) was written by the rules and approved by \(actor): another editor must publish it",
                                     french: "écrite par les règles et approuvée par vous, l'alerte \(id) doit être publiée par un autre éditeur")
                }
            }
            alert.changedBy = nil
            alert.status = alert.published == nil ? .published : .updated
            alert.publishedAt = alert.publishedAt ?? now
            alert.embargoUntil = embargoUntil
            alert.published = alert.content
            alert.published?.at = now
        }
    }

    public func closeAlert(_ id: String, actor: String, expectedVersion: Int? = nil, at now: Date = Date()) throws -> SectorAlert {
        try changeAlert(id, actor: actor, action: "closed", expectedVersion: expectedVersion, at: now) { alert in
            guard alert.status != .closed else { throw AlertError("\(id) is already closed", french: "l'alerte \(id) est déjà close") }
            alert.status = .closed
        }
    }

    private func changeAlert(_ id: String, actor: String, action: String, expectedVersion: Int?, at now: Date,
                             _ change: (inout SectorAlert) throws -> Void) throws -> SectorAlert {
        try write { db in
            guard let before = try Row.fetchOne(db, sql: "SELECT data FROM alert WHERE id = ?", arguments: [id]).map(Self.decodeAlert) else {
                throw AlertError("no alert \(id)", french: "aucune alerte \(id)")
            }
            if let expectedVersion, expectedVersion != before.version {
                throw AlertConflict(expectedVersion: expectedVersion, current: before)
            }
            var alert = before
            try change(&alert)
            alert.version += 1
            alert.updatedAt = now
            try Self.save(db, alert, before: before, actor: actor, action: action, at: now)
            return alert
        }
    }

    /// What the alert rules know: CVEs cited by stored items, products of advisories, the KEV
    /// catalog, and the known-exploited CVEs of health items with the products they name.
    /// `declaredCVEs`, `declaredProducts` (lowercased): what declarations name; items and
    /// advisories are looked up for those only (reading every CVE mention of a large archive on
    /// each round cost a third of a second at 90,000 items).
    public func alertKnowledge(declaredCVEs: Set<String>, declaredProducts: Set<String>)
        throws -> (itemsByCVE: [String: [Int64]], advisoriesByProduct: [String: [Int64]],
                   knownExploited: [String: KnownExploitedVulnerability],
                   healthProductsByKnownExploitedCVE: [String: (items: [Int64], products: [String])]) {
        try pool.read { db in
            var itemsByCVE: [String: [Int64]] = [:]
            for chunk in Self.lookupChunks(declaredCVEs.sorted()) {
                for row in try Row.fetchAll(db, sql: """
                    SELECT cve, item_id FROM item_cve WHERE cve IN (\(databaseQuestionMarks(count: chunk.count))) ORDER BY item_id
                    """, arguments: StatementArguments(chunk)) {
                    itemsByCVE[row["cve"], default: []].append(row["item_id"])
                }
            }
            var products: [String: [Int64]] = [:]
            if !declaredProducts.isEmpty {
                for row in try Row.fetchAll(db, sql: "SELECT item_id, p.value AS product FROM item_advisory, json_each(item_advisory.facts, '$.products') AS p WHERE kind != 'kev'") {
                    let product = (row["product"] as String).lowercased()
                    if declaredProducts.contains(product) { products[product, default: []].append(row["item_id"]) }
                }
            }
            var known: [String: KnownExploitedVulnerability] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM cve_info WHERE kev_added IS NOT NULL") {
                let cve: String = row["cve"]
                known[cve] = KnownExploitedVulnerability(cve: cve, dateAdded: row["kev_added"], dueDate: row["kev_due"],
                                                         knownRansomwareUse: row["kev_ransomware"], vendor: "", product: "", name: row["kev_name"] ?? cve)
            }
            var health: [String: (items: [Int64], products: [String])] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT item_cve.cve, item.id, coalesce(a.facts, '{}') AS facts FROM item_cve
                JOIN item ON item.id = item_cve.item_id JOIN cve_info ON cve_info.cve = item_cve.cve
                LEFT JOIN item_advisory a ON a.item_id = item.id
                WHERE item.health = 1 AND cve_info.kev_added IS NOT NULL
                  AND item.id IN (SELECT item_id FROM item_tag WHERE tag_id IN (\(Self.healthProductTags.map { "'\($0)'" }.joined(separator: ", "))))
                ORDER BY item.id
                """) {
                let cve: String = row["cve"]
                var entry = health[cve] ?? ([], [])
                entry.items.append(row["id"])
                let facts = (try? JSONDecoder().decode(AdvisoryFacts.self, from: Data((row["facts"] as String).utf8)))?.products ?? []
                entry.products = Array(Set(entry.products + facts)).sorted()
                health[cve] = entry
            }
            return (itemsByCVE, products, known, health)
        }
    }

    /// Tags of Feeds/tagging.toml that name health products and technologies.
    static let healthProductTags = ["dispositif-medical", "fabricant-dm", "equipement-imagerie", "moniteur-patient", "pompe-perfusion",
                                    "pacs", "ris", "lis", "dpi", "dmp", "hl7", "fhir", "dicom", "telemedecine", "services-numeriques-sante"]
}
