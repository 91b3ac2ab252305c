import Curation
import Foundation
import HTTPTypes
import Hummingbird
import Publishing
import Storage

/// The editors of the desk, for administrators: add one, set a new password, disable or enable
/// an account (a disabled editor's sessions end at once; their name stays in the audit log).
extension DeskServer {
    func addUserRoutes(to router: Router<Context>) {
        router.get("users") { request, _ in try withSession(request) { try usersPage(session: $0) } }
        router.post("users/new") { request, _ in
            try await withSignedForm(UserForm.self, request) { try await userAction(name: nil, action: "new", session: $0, form: $1) }
        }
        router.post("users/:name/:action") { request, context in
            try await withSignedForm(UserForm.self, request) { session, form in
                try await userAction(name: context.parameters.get("name"), action: context.parameters.get("action") ?? "", session: session, form: form)
            }
        }
    }

    func usersPage(session: DeskSession, message: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        guard session.user.role == .admin else {
            return try html(status: .forbidden, "message", frame(session, ["title": "Réservé", "message": "Les comptes sont réservés aux administrateurs."]))
        }
        let rows: [[String: Any]] = try store.users().map { user in
            ["name": user.name, "role": user.role == .admin ? "administrateur" : "éditeur", "created": french.day(user.createdAt),
             "disabled": user.disabledAt.map { "désactivé le \(french.day($0))" } as Any, "self": user.name == session.user.name]
        }
        return try html(status: status, "users", frame(session, [
            "title": "Utilisateurs", "users": rows, "csrf": session.csrf, "message": message as Any, "error": error as Any,
            "minimum": Editors.minimumPasswordLength,
        ]))
    }

    func userAction(name: String?, action: String, session: DeskSession, form: UserForm) async throws -> Response {
        guard session.user.role == .admin else { return try usersPage(session: session) }
        let editors = self.editors, actor = session.user.name
        do {
            switch (action, name) {
            case ("new", _):
                let newName = (form.name ?? "").trimmingCharacters(in: .whitespaces), password = form.password ?? ""
                let role: AppUser.Role = form.role == "admin" ? .admin : .editor
                // bcrypt is slow by design: off the event loops.
                try await Blocking.run { try editors.add(newName, role: role, password: password, actor: actor) }
                return try usersPage(session: session, message: "« \(newName) » peut se connecter.")
            case ("password", let name?):
                let password = form.password ?? ""
                try await Blocking.run { try editors.changePassword(name, password: password, actor: actor) }
                return try usersPage(session: session, message: "Mot de passe de « \(name) » changé ; ses sessions sont closes.")
            case ("disable", let name?):
                guard name != actor else { return try usersPage(session: session, error: "Vous ne pouvez pas désactiver votre propre compte.", status: .badRequest) }
                try editors.setDisabled(name, true, actor: actor)
                return try usersPage(session: session, message: "« \(name) » est désactivé ; ses sessions sont closes.")
            case ("enable", let name?):
                try editors.setDisabled(name, false, actor: actor)
                return try usersPage(session: session, message: "« \(name) » peut de nouveau se connecter.")
            default:
                return try html(status: .notFound, "message", frame(session, ["title": "Action inconnue", "message": "« \(action) » n'est pas une action."]))
            }
        } catch let error as CurationError {
            return try usersPage(session: session, error: error.french ?? error.description, status: .badRequest)
        }
    }
}
