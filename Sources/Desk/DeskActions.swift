import Curation
import Foundation
import HTTPTypes
import Hummingbird
import Model
import NIOCore
import Publishing
import Storage

/// What editors do to items, one at a time (`POST /items/ID/ACTION`) or in bulk
/// (`POST /items/bulk`). A plain form post gets a page back (the desk works without script); a
/// request that asks for JSON (`Accept: application/json`, as desk.js does) gets each item's
/// outcome, so that the page changes in place. Each item is decided in its own transaction,
/// against the version the editor saw, and audited as when decided alone.
extension DeskServer {
    /// The actions a row of the queue offers, for one item or many.
    static let bulkActions: Set<String> = ["select", "reject", "queue", "pin", "unpin"]
    /// Items one bulk post may change: a screenful of the queue (it lists at most 200), with room.
    static let bulkLimit = 500

    /// One item's outcome, as the page needs it to change the row in place.
    struct ItemOutcome {
        var id: Int64
        var state: CurationState?
        var conflict: CurationConflict?
        var refusal: String?

        var json: [String: Any] {
            var fields: [String: Any] = ["id": id, "ok": state != nil]
            if let state = state ?? conflict?.current {
                fields["version"] = state.version
                fields["state"] = state.status.rawValue
                fields["state_label"] = state.status.labelFR
                fields["pinned"] = state.pinned
                fields["reason"] = state.rejectionReason as Any? ?? NSNull()
            }
            if let conflict {
                fields["conflict"] = true
                fields["message"] = "L'élément \(id) a changé entre-temps (version \(conflict.current.version), par \(conflict.current.updatedBy ?? "?")) : "
                    + "rien n'a été écrasé."
            }
            if let refusal { fields["message"] = refusal }
            return fields
        }
    }

    func wantsJSON(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("application/json") ?? false
    }

    func json(status: HTTPResponse.Status = .ok, _ object: [String: Any]) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A refusal, as a page or as JSON.
    func refusal(_ request: Request, status: HTTPResponse.Status, title: String, message: String, session: DeskSession?) throws -> Response {
        if wantsJSON(request) { return try json(status: status, ["ok": false, "message": message]) }
        guard let session else { return try html(status: status, "message", ["title": title, "message": message, "login": true]) }
        return try html(status: status, "message", frame(session, ["title": title, "message": message]))
    }

    func act(_ request: Request, itemID: Int64?, action: String) async throws -> Response {
        guard let session = try session(request) else {
            return try refusal(request, status: .unauthorized, title: "Session expirée", message: "Reconnectez-vous pour agir.", session: nil)
        }
        let form = try await form(ItemActionForm.self, request)
        guard Tokens.equal(form.csrf ?? "", session.csrf) else {
            return try refusal(request, status: .forbidden, title: "Action refusée",
                               message: "Jeton CSRF absent ou faux : rechargez la page, puis recommencez.", session: session)
        }
        guard let itemID else {
            return try refusal(request, status: .notFound, title: "Introuvable", message: "Pas d'élément.", session: session)
        }
        guard Self.bulkActions.contains(action) || ["handled", "unhandled", "edit", "tag"].contains(action) else {
            return try refusal(request, status: .notFound, title: "Action inconnue", message: "« \(action) » n'est pas une action.", session: session)
        }
        let outcome = perform(action, on: itemID, version: form.version.flatMap { Int($0) }, change: form, actor: session.user.name)
        if wantsJSON(request) {
            let status: HTTPResponse.Status = outcome.conflict != nil ? .conflict : outcome.refusal != nil ? .badRequest : .ok
            return try json(status: status, outcome.json)
        }
        if let conflict = outcome.conflict { return try conflictPage(conflict, action: action, change: form.change, session: session) }
        if let refusal = outcome.refusal {
            return try html(status: .badRequest, "message", frame(session, ["title": "Action refusée", "message": refusal]))
        }
        return Response.redirect(to: Self.returnPath(form.return) ?? "/items/\(itemID)", type: .normal)
    }

    /// `item[]` (checked rows) or, with `scope=shown`, `shown[]` (every row on the page): each
    /// "ID:VERSION", decided one by one with the same action and reason.
    func bulk(_ request: Request) async throws -> Response {
        guard let session = try session(request) else {
            return try refusal(request, status: .unauthorized, title: "Session expirée", message: "Reconnectez-vous pour agir.", session: nil)
        }
        let form = try await form(BulkActionForm.self, request)
        guard Tokens.equal(form.csrf ?? "", session.csrf) else {
            return try refusal(request, status: .forbidden, title: "Action refusée",
                               message: "Jeton CSRF absent ou faux : rechargez la page, puis recommencez.", session: session)
        }
        let action = form.action ?? ""
        guard Self.bulkActions.contains(action) else {
            return try refusal(request, status: .badRequest, title: "Action inconnue",
                               message: "Choisissez une action : sélectionner, rejeter, remettre en file, épingler ou désépingler.", session: session)
        }
        let targets = ((form.scope == "shown" ? form.shown : form.item) ?? []).compactMap(Self.itemAndVersion)
        guard !targets.isEmpty else {
            return try refusal(request, status: .badRequest, title: "Rien à faire", message: "Aucun élément marqué.", session: session)
        }
        guard targets.count <= Self.bulkLimit else {
            return try refusal(request, status: .badRequest, title: "Trop d'éléments",
                               message: "Au plus \(Self.bulkLimit) éléments à la fois.", session: session)
        }
        var seen = Set<Int64>()
        let change = ItemActionForm(reason: form.reason, reason_other: form.reason_other)
        let outcomes = targets.filter { seen.insert($0.id).inserted }.map {
            perform(action, on: $0.id, version: $0.version, change: change, actor: session.user.name)
        }
        if wantsJSON(request) { return try json(["action": action, "results": outcomes.map(\.json)]) }
        let failures = outcomes.filter { $0.state == nil }
        let back = Self.returnPath(form.return) ?? "/queue"
        guard !failures.isEmpty else { return Response.redirect(to: back, type: .normal) }
        let done = outcomes.count - failures.count
        return try html(status: .conflict, "bulk", frame(session, [
            "title": "Action groupée", "actionLabel": FrenchFormat.command(action),
            "doneText": FrenchFormat.count(done, "élément traité", "éléments traités"),
            "failures": failures.map { ["id": $0.id, "message": $0.json["message"] as? String ?? ""] as [String: Any] },
            "return": back,
        ]))
    }

    /// Applies one action to one item; never throws for what an editor can fix (a conflict, a
    /// move the workflow refuses): those are the outcome.
    func perform(_ action: String, on itemID: Int64, version: Int?, change form: ItemActionForm, actor: String) -> ItemOutcome {
        let note = form.note.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        do {
            let state: CurationState
            switch action {
            case "select": state = try curator.decide(itemID, .selected, actor: actor, note: note, expectedVersion: version)
            case "reject":
                // Their own words win over the list.
                let reason = [form.reason_other, form.reason].compactMap { $0 }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                state = try curator.decide(itemID, .rejected, actor: actor, note: note, reason: reason, expectedVersion: version)
            case "queue": state = try curator.decide(itemID, .queued, actor: actor, note: note, expectedVersion: version)
            case "pin": state = try curator.pin(itemID, true, actor: actor, expectedVersion: version)
            case "unpin": state = try curator.pin(itemID, false, actor: actor, expectedVersion: version)
            case "handled": state = try curator.markHandled(itemID, true, actor: actor, expectedVersion: version)
            case "unhandled": state = try curator.markHandled(itemID, false, actor: actor, expectedVersion: version)
            case "edit": state = try curator.edit(itemID, title: form.title, note: form.note, actor: actor, expectedVersion: version)
            case "tag":
                let changes = (form.tags ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
                state = try curator.tag(itemID, changes, actor: actor, expectedVersion: version)
            default: return ItemOutcome(id: itemID, refusal: "« \(action) » n'est pas une action.")
            }
            return ItemOutcome(id: itemID, state: state)
        } catch let conflict as CurationConflict {
            return ItemOutcome(id: itemID, conflict: conflict)
        } catch let error as CurationError {
            return ItemOutcome(id: itemID, refusal: error.french ?? error.description)
        } catch {
            logger.error("desk action failed", metadata: ["item": "\(itemID)", "action": "\(action)", "error": "\(error)"])
            return ItemOutcome(id: itemID, refusal: "L'action n'a pas pu être enregistrée (erreur du serveur, consignée dans son journal).")
        }
    }

    /// "12:3" → item 12 as seen at version 3; "12" → item 12, whatever its version.
    static func itemAndVersion(_ text: String) -> (id: Int64, version: Int?)? {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard let first = parts.first, let id = Int64(first), id > 0 else { return nil }
        if parts.count == 2 {
            guard let version = Int(parts[1]) else { return nil }
            return (id, version)
        }
        return (id, nil)
    }

    /// Back to a page of the desk only (never "//host" nor "/\\host", which browsers follow elsewhere).
    static func returnPath(_ path: String?) -> String? {
        guard let path, path.hasPrefix("/queue") || path.hasPrefix("/items/"),
              !path.contains(where: { $0 == "\\" || $0.isWhitespace || $0.isNewline }) else { return nil }
        return path
    }
}
