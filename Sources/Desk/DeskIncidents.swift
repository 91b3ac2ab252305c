import Foundation
import HTTPTypes
import Hummingbird
import Incidents
import Model
import Publishing
import Storage

/// Declared incidents in the desk: the list with filters, and a declaration's page where the
/// cell qualifies it (nature, category, note), opens the support it asked for and closes it.
/// The private fields (structure name, description) appear on the declaration's page only,
/// behind the session; the list, the logs and the public site never carry them.
extension DeskServer {
    func addIncidentRoutes(to router: Router<Context>) {
        router.get("incidents") { request, _ in try withSession(request) { try incidentsPage(request, session: $0) } }
        router.get("incidents/:id") { request, context in
            try withSession(request) { try incidentPage(context.parameters.get("id") ?? "", session: $0) }
        }
        router.post("incidents/:id/:step") { request, context in
            try await withSignedForm(IncidentStepForm.self, request) { session, form in
                try incidentStep(id: context.parameters.get("id") ?? "", step: context.parameters.get("step") ?? "", session: session, form: form)
            }
        }
    }

    func incidentsPage(_ request: Request, session: DeskSession) throws -> Response {
        let query = request.uri.queryParameters
        func parameter(_ name: Substring) -> String { query[name].map(String.init) ?? "" }
        let status = IncidentStatus(rawValue: parameter("status")), category = IncidentCategory(rawValue: parameter("category"))
        let structure = StructureType(rawValue: parameter("structure")), region = parameter("region")
        let facts = try store.incidentFacts()
            .filter { (status == nil || $0.status == status) && (category == nil || $0.category == category)
                && (structure == nil || $0.structureType == structure) && (region.isEmpty || $0.region == region) }
            .sorted { $0.declaredAt > $1.declaredAt }
        let rows: [[String: Any]] = facts.prefix(500).map { fact in
            ["id": fact.id, "declared": french.dateTime(fact.declaredAt), "declaredISO": ISO8601UTC.string(from: fact.declaredAt),
             "structure": fact.structureType.rawValue, "region": ObservatoryStatistics.regionNames[fact.region] ?? fact.region,
             "nature": fact.nature.rawValue, "category": fact.category.rawValue, "status": FrenchFormat.incidentStatus(fact.status),
             "support": fact.supportRequested ? "demandé" : "non", "careDisrupted": fact.careDisrupted ? "oui" : "non"]
        }
        func options(_ pairs: [(String, String)], _ current: String) -> [[String: Any]] {
            ([("", "tous")] + pairs).map { ["name": $0.0, "label": $0.1, "current": $0.0 == current] as [String: Any] }
        }
        return try html("incidents", frame(session, [
            "title": "Incidents déclarés", "incidents": rows, "empty": rows.isEmpty,
            "countText": FrenchFormat.count(facts.count, "déclaration", "déclarations"),
            "statuses": options(IncidentStatus.allCases.map { ($0.rawValue, FrenchFormat.incidentStatus($0)) }, status?.rawValue ?? ""),
            "categories": options(IncidentCategory.allCases.map { ($0.rawValue, $0.rawValue) }, category?.rawValue ?? ""),
            "structures": options(StructureType.allCases.map { ($0.rawValue, $0.rawValue) }, structure?.rawValue ?? ""),
            "regions": options(ObservatoryStatistics.regionNames.sorted { $0.value < $1.value }.map { ($0.key, $0.value) }, region),
        ]))
    }

    func incidentPage(_ id: String, session: DeskSession, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let stored = try store.incident(id: id) else {
            return try html(status: .notFound, "message", frame(session, ["title": "Introuvable", "message": "Aucune déclaration n'a cet identifiant."]))
        }
        let declaration = stored.declaration
        let closedAt = stored.steps.last { $0.step == .closed }?.at
        let milestones = NIS2Milestones(awareness: declaration.occurredAt ?? declaration.declaredAt, declaredAt: declaration.declaredAt,
                                        closedAt: closedAt)
        func met(_ value: Bool?) -> String { value.map { $0 ? "tenue" : "dépassée" } ?? "à venir" }
        let nature = stored.qualifiedNature ?? declaration.nature, category = stored.qualifiedCategory ?? declaration.category
        let context: [String: Any] = [
            "title": "Déclaration \(id)", "id": id, "csrf": session.csrf, "error": error as Any,
            "status": FrenchFormat.incidentStatus(stored.status),
            "declared": french.dateTime(declaration.declaredAt), "occurred": declaration.occurredAt.map(french.dateTime) as Any,
            "structure": declaration.structureType.rawValue,
            "region": ObservatoryStatistics.regionNames[declaration.region] ?? declaration.region,
            "declaredNature": declaration.nature.rawValue, "declaredCategory": declaration.category.rawValue,
            "qualifiedNature": stored.qualifiedNature?.rawValue as Any, "qualifiedCategory": stored.qualifiedCategory?.rawValue as Any,
            "careDisrupted": declaration.careDisrupted ? "oui" : "non", "healthData": declaration.healthDataAffected ? "oui" : "non",
            "support": declaration.supportRequested ? "demandé" : "non demandé",
            "unavailability": declaration.unavailabilityHours.map { FrenchFormat.decimal($0, digits: 1) + " h" } as Any,
            "cves": declaration.cves.joined(separator: ", "), "products": declaration.products.joined(separator: ", "),
            "structureName": declaration.structureName as Any, "description": declaration.description as Any,
            "milestones": [
                ["label": "alerte précoce (24 h)", "due": french.dateTime(milestones.earlyWarningDue), "state": met(milestones.earlyWarningMet)],
                ["label": "notification (72 h)", "due": french.dateTime(milestones.notificationDue), "state": met(milestones.notificationMet)],
                ["label": "rapport final (1 mois)", "due": french.dateTime(milestones.finalReportDue), "state": met(milestones.finalReportMet)],
            ],
            "steps": stored.steps.map { ["at": french.dateTime($0.at), "actor": $0.actor, "step": FrenchFormat.incidentStatus($0.step),
                                         "note": $0.note ?? ""] as [String: Any] },
            "canQualify": stored.status == .received,
            "canSupport": stored.status == .qualified && declaration.supportRequested,
            "canClose": stored.status == .qualified || stored.status == .support,
            "natures": IncidentNature.allCases.map { ["name": $0.rawValue, "current": $0 == nature] as [String: Any] },
            "categories": IncidentCategory.allCases.map { ["name": $0.rawValue, "current": $0 == category] as [String: Any] },
        ]
        return try html(status: status, "incident", frame(session, context))
    }

    func incidentStep(id: String, step: String, session: DeskSession, form: IncidentStepForm) throws -> Response {
        let steps: [String: IncidentStatus] = ["qualify": .qualified, "support": .support, "close": .closed]
        guard let target = steps[step] else {
            return try html(status: .notFound, "message", frame(session, ["title": "Action inconnue", "message": "« \(step) » n'est pas une étape."]))
        }
        let note = form.note.map { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(2000)) }.flatMap { $0.isEmpty ? nil : $0 }
        do {
            try store.advanceIncident(id, to: target, actor: session.user.name, note: note,
                                      nature: target == .qualified ? form.nature.flatMap(IncidentNature.init(rawValue:)) : nil,
                                      category: target == .qualified ? form.category.flatMap(IncidentCategory.init(rawValue:)) : nil)
        } catch let error as IncidentError {
            return try incidentPage(id, session: session, error: error.french ?? error.description, status: .badRequest)
        }
        return Response.redirect(to: "/incidents/\(id)", type: .normal)
    }
}
