import Curation
import Foundation
import HTTPTypes
import Hummingbird
import Model
import Publishing
import Storage

/// The cell's sector alerts in the desk: the list, a draft's review and edit, approval by a
/// second editor, publication (with an embargo) and closing. The rules (who may approve or
/// publish what) are the store's, as on the command line; the desk only shows them.
extension DeskServer {
    func addAlertRoutes(to router: Router<Context>) {
        router.get("alerts") { request, _ in try withSession(request) { try alertsPage(request, session: $0) } }
        router.get("alerts/:id") { request, context in
            try withSession(request) { try alertPage(context.parameters.get("id") ?? "", session: $0) }
        }
        router.post("alerts/new") { request, _ in
            try await withSignedForm(AlertForm.self, request) { try newAlert(request, session: $0, form: $1) }
        }
        router.post("alerts/:id/:action") { request, context in
            try await withSignedForm(AlertForm.self, request) { session, form in
                try alertAction(id: context.parameters.get("id") ?? "", action: context.parameters.get("action") ?? "", session: session, form: form)
            }
        }
    }

    func alertsPage(_ request: Request, session: DeskSession, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let wanted = request.uri.queryParameters["status"].flatMap { AlertStatus(rawValue: String($0)) }
        let alerts = try store.alerts(status: wanted)
        let rows: [[String: Any]] = alerts.map { alert in
            ["id": alert.id, "title": alert.title, "severity": FrenchFormat.severity(alert.severity), "severityID": alert.severity.rawValue,
             "status": FrenchFormat.alertStatus(alert.status), "waiting": waitingFor(alert),
             "updated": french.dateTime(alert.updatedAt), "updatedISO": ISO8601UTC.string(from: alert.updatedAt)]
        }
        let statuses = ([("", "tous")] + AlertStatus.allCases.map { ($0.rawValue, FrenchFormat.alertStatus($0)) }).map {
            ["name": $0.0, "label": $0.1, "current": $0.0 == (wanted?.rawValue ?? "")] as [String: Any]
        }
        return try html(status: status, "alerts", frame(session, [
            "title": "Alertes", "alerts": rows, "empty": rows.isEmpty, "countText": FrenchFormat.count(rows.count, "alerte", "alertes"),
            "statuses": statuses, "severities": severityOptions(.high), "error": error as Any, "csrf": session.csrf,
        ]))
    }

    /// What the alert waits for, in words: « approbation », « publication », or nothing.
    func waitingFor(_ alert: SectorAlert) -> String {
        guard alert.status == .draft || alert.hasPendingChanges else { return "" }
        if alert.approvedBy == nil && configuration.requireAlertApproval { return "à approuver" }
        return "à publier"
    }

    func severityOptions(_ current: AlertSeverity) -> [[String: Any]] {
        AlertSeverity.allCases.reversed().map { ["name": $0.rawValue, "label": FrenchFormat.severity($0), "current": $0 == current] }
    }

    func alertPage(_ id: String, session: DeskSession, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let alert = try store.alert(id: id) else {
            return try html(status: .notFound, "message", frame(session, ["title": "Introuvable", "message": "Aucune alerte n'a cet identifiant."]))
        }
        let history = try store.alertHistory(id: id).map { entry -> [String: Any] in
            ["at": french.dateTime(entry.at), "atISO": ISO8601UTC.string(from: entry.at), "actor": AuditWording.actor(entry.actor),
             "action": FrenchFormat.alertAction(entry.action, embargo: Self.embargo(in: entry.action).map(french.dateTime))]
        }
        let pending = alert.status == .draft || alert.hasPendingChanges
        let me = session.user.name
        let references = try alert.references.prefix(50).compactMap { itemID -> [String: Any]? in
            guard let item = try store.item(id: itemID) else { return nil }
            return ["id": itemID, "title": item.title]
        }
        let context: [String: Any] = [
            "title": alert.title, "id": alert.id, "version": alert.version, "csrf": session.csrf,
            "severity": FrenchFormat.severity(alert.severity), "severityID": alert.severity.rawValue, "severities": severityOptions(alert.severity),
            "status": FrenchFormat.alertStatus(alert.status), "summary": alert.summary, "summaryHTML": alert.summaryHTML as Any,
            "measures": alert.measures ?? "", "measuresHTML": alert.measuresHTML as Any,
            "products": alert.products.joined(separator: ", "), "cves": alert.cves.joined(separator: ", "),
            "requiredAction": alert.requiredAction as Any, "dueDate": alert.dueDate as Any,
            "references": references, "hasReferences": !references.isEmpty,
            "author": AuditWording.actor(alert.author), "approvedBy": alert.approvedBy as Any,
            "embargo": alert.embargoUntil.map(french.dateTime) as Any,
            "publishedText": alert.published.map { "publiée le \(french.dateTime($0.at))" } as Any,
            "pending": pending, "hasPendingChanges": alert.hasPendingChanges,
            "waiting": waitingFor(alert),
            // The buttons follow the store's rules; the store checks them again.
            "canApprove": pending && alert.approvedBy == nil && alert.author != me,
            "ownChange": pending && alert.approvedBy == nil && alert.author == me,
            "canPublish": pending && (alert.approvedBy != nil || !configuration.requireAlertApproval)
                && !(alert.author == "rules" && alert.approvedBy == me && configuration.requireAlertApproval),
            "canClose": alert.status != .closed, "canEdit": alert.status != .closed,
            "history": history, "error": error as Any,
        ]
        return try html(status: status, "alert", frame(session, context))
    }

    /// An alert's text as the form gives it: a title of at most 300 characters and a summary,
    /// both required; measures optional; Markdown rendered and sanitized (notes' rules, bounded).
    struct AlertText {
        var title: String, severity: AlertSeverity, summary: String, summaryHTML: String, measures: String?, measuresHTML: String?

        static let missing = "Une alerte a un titre (300 caractères au plus) et un résumé."

        /// nil when the title or the summary is missing; throws when the Markdown is too long.
        init?(_ form: AlertForm) throws {
            let title = (form.title ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let summary = (form.summary ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !title.isEmpty, title.count <= 300, !summary.isEmpty else { return nil }
            measures = form.measures.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
            (self.title, self.summary) = (title, summary)
            severity = AlertSeverity(rawValue: form.severity ?? "") ?? .high
            summaryHTML = try Curator.renderNote(summary)
            measuresHTML = try measures.map(Curator.renderNote)
        }
    }

    func newAlert(_ request: Request, session: DeskSession, form: AlertForm) throws -> Response {
        do {
            guard let text = try AlertText(form) else {
                return try alertsPage(request, session: session, error: AlertText.missing, status: .badRequest)
            }
            let alert = try store.createAlert(
                severity: text.severity, title: text.title, summary: text.summary, summaryHTML: text.summaryHTML, measures: text.measures,
                measuresHTML: text.measuresHTML, products: [], cves: [], requiredAction: nil, dueDate: nil, references: [], actor: session.user.name)
            return Response.redirect(to: "/alerts/\(alert.id)", type: .normal)
        } catch let error as CurationError {
            return try alertsPage(request, session: session, error: error.french ?? error.description, status: .badRequest)
        }
    }

    func alertAction(id: String, action: String, session: DeskSession, form: AlertForm) throws -> Response {
        let actor = session.user.name
        let version = form.version.flatMap { Int($0) }
        do {
            switch action {
            case "edit":
                guard let text = try AlertText(form) else {
                    return try alertPage(id, session: session, error: AlertText.missing, status: .badRequest)
                }
                _ = try store.editAlert(id, title: text.title, severity: text.severity, summary: text.summary, summaryHTML: text.summaryHTML,
                                        measures: text.measures, measuresHTML: text.measuresHTML, actor: actor, expectedVersion: version)
            case "approve": _ = try store.approveAlert(id, actor: actor, expectedVersion: version)
            case "publish":
                let embargo = try form.embargo.flatMap { $0.isEmpty ? nil : $0 }.map { text -> Date in
                    guard let date = localDateTime(text) else {
                        throw AlertError("bad embargo", french: "« \(text) » n'est pas une date et une heure (jj/mm/aaaa hh:mm)")
                    }
                    return date
                }
                _ = try store.publishAlert(id, actor: actor, requireApproval: configuration.requireAlertApproval, embargoUntil: embargo,
                                           expectedVersion: version)
            case "close": _ = try store.closeAlert(id, actor: actor, expectedVersion: version)
            default:
                return try html(status: .notFound, "message", frame(session, ["title": "Action inconnue", "message": "« \(action) » n'est pas une action."]))
            }
        } catch let conflict as AlertConflict {
            return try alertPage(id, session: session, error:
                "L'alerte a changé entre-temps (version \(conflict.current.version) ; vous partiez de la version \(conflict.expectedVersion)) : "
                + "rien n'a été écrasé. Relisez-la ci-dessous, puis recommencez.", status: .conflict)
        } catch let error as AlertError {
            return try alertPage(id, session: session, error: error.french ?? error.description, status: .badRequest)
        } catch let error as CurationError {
            return try alertPage(id, session: session, error: error.french ?? error.description, status: .badRequest)
        }
        return Response.redirect(to: "/alerts/\(id)", type: .normal)
    }

    /// The end of the embargo an entry of the history records: "published (embargo until 2026-12-08T08:00:00Z)".
    static func embargo(in action: String) -> Date? {
        guard action.hasPrefix("published (embargo until "), action.hasSuffix(")") else { return nil }
        return ISO8601DateFormatter().date(from: String(action.dropFirst("published (embargo until ".count).dropLast()))
    }

    /// "2026-12-08T09:00" (an `<input type="datetime-local">`), in the desk's time zone.
    func localDateTime(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = configuration.timeZone
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    func csrfRefusal(_ request: Request, session: DeskSession) throws -> Response {
        try refusal(request, status: .forbidden, title: "Action refusée",
                    message: "Jeton CSRF absent ou faux : rechargez la page, puis recommencez.", session: session)
    }
}
