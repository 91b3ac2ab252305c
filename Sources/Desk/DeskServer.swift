import Curation
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import Model
import NIOCore
import Publishing
import Storage

public struct DeskConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Secure cookies: browsers keep them on http://127.0.0.1 and localhost (secure contexts),
    /// and send them only over TLS elsewhere.
    public var secureCookies: Bool
    public var sessionLifetime: TimeInterval
    /// Templates/desk: pages and the desk's own CSS and script.
    public var templatesDirectory: String
    /// Failed sign-ins within `loginWindow` before waiting (SignInLimiter).
    public var failedLoginsPerClient: Int
    public var failedLoginsPerUserAndClient: Int
    public var failedLoginsPerUser: Int
    public var loginWindow: TimeInterval
    /// Host names the desk answers for; nil: loopback names and the address it listens on.
    public var allowedHosts: Set<String>?
    /// Reverse proxies whose X-Forwarded-For names the client.
    public var trustedProxies: Set<String>
    /// Open connections at most; kept under the process's file limit.
    public var maxConnections: Int
    /// A connection without a complete request for this long is closed (slow or idle clients).
    public var idleTimeout: TimeInterval
    /// A form's body must arrive within this.
    public var bodyTimeout: TimeInterval
    /// Password checks running at once, and waiting beyond those, before sign-ins get 503.
    public var concurrentPasswordChecks: Int
    public var waitingPasswordChecks: Int
    /// Dates are shown in this time zone (`[site] time_zone`).
    public var timeZone: TimeZone
    /// The reasons offered when rejecting (`[curation] rejection_reasons`).
    public var rejectionReasons: [String]
    /// Alerts are published only once a second editor approved them (`[alerts] require_approval`).
    public var requireAlertApproval: Bool
    /// A private folder the site's preview is rendered into (nil: no preview).
    public var previewDirectory: String?

    public init(host: String = "127.0.0.1", port: Int = 8417, secureCookies: Bool = true, sessionLifetime: TimeInterval = 8 * 3600,
                templatesDirectory: String, failedLoginsPerClient: Int = 20, failedLoginsPerUserAndClient: Int = 5,
                failedLoginsPerUser: Int = 10, loginWindow: TimeInterval = 15 * 60, allowedHosts: Set<String>? = nil,
                trustedProxies: Set<String> = [], maxConnections: Int = 4096, idleTimeout: TimeInterval = 15, bodyTimeout: TimeInterval = 10,
                concurrentPasswordChecks: Int = max(1, ProcessInfo.processInfo.activeProcessorCount - 1), waitingPasswordChecks: Int = 8,
                timeZone: TimeZone = TimeZone(identifier: "Europe/Paris")!, rejectionReasons: [String] = [],
                requireAlertApproval: Bool = true, previewDirectory: String? = nil) {
        self.requireAlertApproval = requireAlertApproval
        self.previewDirectory = previewDirectory
        self.timeZone = timeZone
        self.rejectionReasons = rejectionReasons
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.sessionLifetime = sessionLifetime
        self.templatesDirectory = templatesDirectory
        self.failedLoginsPerClient = failedLoginsPerClient
        self.failedLoginsPerUserAndClient = failedLoginsPerUserAndClient
        self.failedLoginsPerUser = failedLoginsPerUser
        self.loginWindow = loginWindow
        self.allowedHosts = allowedHosts
        self.trustedProxies = trustedProxies
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.concurrentPasswordChecks = concurrentPasswordChecks
        self.waitingPasswordChecks = waitingPasswordChecks
    }
}

/// The web desk: routes, sessions and pages (docs/curation.md).
public struct DeskServer: Sendable {
    typealias Context = DeskRequestContext

    let store: Store
    let curator: Curator
    let editors: Editors
    let templates: TemplateSet
    let configuration: DeskConfiguration
    let publishUnreviewed: Bool
    /// Search words the rules treat as one (« ransomware », « rançongiciel »).
    let synonyms: SearchSynonyms
    let signInLimiter: SignInLimiter
    let passwordChecks: PasswordChecks
    /// The lane of browsers that signed in as the user before (DeviceCookies).
    let knownDeviceChecks: PasswordChecks
    let devices = DeviceCookies()
    let logger: Logger
    /// Dates, numbers and the workflow's words in French, as on the site.
    let french: FrenchFormat
    /// « Publier maintenant » (nil: this desk has no site to publish).
    let publish: DeskPublish?
    let publications = PublicationRuns()
    /// The next edition rendered with the site's templates (nil: no preview).
    let preview: DeskRenderPreview?
    let previews = PublicationRuns()

    static let sessionCookie = "cv_session"
    static let loginCookie = "cv_login_csrf"

    public init(store: Store, knownTags: Set<String>, synonyms: SearchSynonyms = .none, passwordCost: Int, publishUnreviewed: Bool,
                configuration: DeskConfiguration, logger: Logger, publish: DeskPublish? = nil, preview: DeskRenderPreview? = nil) throws {
        self.store = store
        self.publish = publish
        self.preview = preview
        self.synonyms = synonyms
        self.curator = Curator(store: store, knownTags: knownTags)
        self.editors = Editors(store: store, cost: passwordCost)
        self.templates = try TemplateSet(directory: configuration.templatesDirectory,
                                         required: ["layout", "login", "queue", "item", "conflict", "preview", "audit", "message", "bulk",
                                                    "alerts", "alert", "incidents", "incident", "publish", "users"])
        self.configuration = configuration
        self.publishUnreviewed = publishUnreviewed
        self.signInLimiter = SignInLimiter(.init(perClient: configuration.failedLoginsPerClient,
                                                 perUserAndClient: configuration.failedLoginsPerUserAndClient,
                                                 perUser: configuration.failedLoginsPerUser, window: configuration.loginWindow))
        self.passwordChecks = PasswordChecks(concurrent: configuration.concurrentPasswordChecks, waiting: configuration.waitingPasswordChecks)
        passwordChecks.calibrate { [editors] in editors.verifyDecoy() }
        self.knownDeviceChecks = PasswordChecks(concurrent: 1, waiting: 4)
        self.logger = logger
        self.french = FrenchFormat(timeZone: configuration.timeZone)
    }

    /// The application; `onRunning` gets the port it listens on (useful with port 0).
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router(),
            // A connection that sends no complete request within the idle timeout is closed: a
            // client trickling its headers (or idling) cannot hold a connection for long.
            server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(configuration.idleTimeout * 1000)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "cyberveille-desk",
                                 availableConnectionsDelegate: MaximumAvailableConnections(DeskLimits.connectionCap(configuration.maxConnections))),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    func router() -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: AllowedHostsMiddleware(allowed: configuration.allowedHosts ?? AllowedHostsMiddleware<Context>.defaults(listeningOn: configuration.host)))
        router.add(middleware: SecurityHeadersMiddleware())
        router.get("health") { _, _ in
            _ = try store.counts()
            return "ok\n"
        }
        router.get("assets/:file") { _, context in try asset(context.parameters.get("file") ?? "") }
        router.get("/") { _, _ in Response.redirect(to: "/queue", type: .normal) }
        router.get("login") { request, _ in try loginPage(request) }
        router.post("login") { request, context in try await login(request, context: context) }
        router.post("logout") { request, _ in try await logout(request) }
        router.get("queue") { request, _ in try withSession(request) { try queuePage(request, session: $0) } }
        router.get("preview") { request, _ in try withSession(request) { try previewPage(session: $0) } }
        router.get("audit") { request, _ in try withSession(request) { try auditPage(session: $0) } }
        router.get("items/:id") { request, context in
            try withSession(request) { try itemPage(context.parameters.get("id", as: Int64.self), session: $0) }
        }
        router.post("items/bulk") { request, _ in try await bulk(request) }
        router.post("items/:id/:action") { request, context in
            let id = context.parameters.get("id", as: Int64.self)
            let action = context.parameters.get("action") ?? ""
            return try await act(request, itemID: id, action: action)
        }
        addAlertRoutes(to: router)
        addIncidentRoutes(to: router)
        addPublicationRoutes(to: router)
        addUserRoutes(to: router)
        addPreviewRoutes(to: router)
        return router
    }

    // MARK: Sessions

    func session(_ request: Request) throws -> DeskSession? {
        guard let token = request.cookies[Self.sessionCookie]?.value, token.count == 64 else { return nil }
        return try store.session(tokenHash: Tokens.hash(token))
    }

    /// Pages need a session: without one, the browser is sent to the sign-in page.
    func withSession(_ request: Request, _ page: (DeskSession) throws -> Response) throws -> Response {
        guard let session = try session(request) else { return Response.redirect(to: "/login", type: .normal) }
        return try page(session)
    }

    /// A signed-in editor's form post: the handler gets the session and the form once its token
    /// checks; without a session, the sign-in page; with a wrong token, 403 and nothing changes.
    func withSignedForm<Form: SignedForm>(_ type: Form.Type, _ request: Request,
                                          _ handle: (DeskSession, Form) async throws -> Response) async throws -> Response {
        guard let session = try session(request) else { return Response.redirect(to: "/login", type: .normal) }
        let form = try await form(type, request)
        guard Tokens.equal(form.csrf ?? "", session.csrf) else { return try csrfRefusal(request, session: session) }
        return try await handle(session, form)
    }

    func loginPage(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let csrf = Tokens.random()
        var response = try html(status: status, "login", ["csrf": csrf, "error": error as Any, "title": "Connexion"])
        response.setCookie(cookie(Self.loginCookie, csrf, maxAge: 3600))
        return response
    }

    func login(_ request: Request, context: Context) async throws -> Response {
        let form = try await form(SignInForm.self, request)
        let name = String((form.username ?? "").prefix(200))
        let sent = form.csrf ?? ""
        guard let expected = request.cookies[Self.loginCookie]?.value, Tokens.equal(sent, expected) else {
            return try loginPage(request, error: "Le formulaire a expiré ou ne vient pas de ce bureau (jeton CSRF) : recommencez.", status: .forbidden)
        }
        let client = ClientAddress.of(request, peer: context.remoteAddress, trustedProxies: configuration.trustedProxies)
        let started = Date()
        let knownDevice = devices.proves(request.cookies[DeviceCookies.name]?.value, for: name)
        if let wait = signInLimiter.attempt(user: name, client: client, knownDevice: knownDevice, now: started) {
            logger.notice("desk sign-in limited", metadata: ["user": "\(LogText.escaped(name, limit: 64))", "client": "\(client)", "wait": "\(wait)"])
            var response = try loginPage(request, error: "Trop d'essais : réessayez dans \(wait) s.", status: .tooManyRequests)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        let password = form.password ?? ""
        // An unknown name costs no hash: it waits as long as a check takes (so that timing does
        // not tell which names exist), and a flood of made-up names uses no thread at all.
        guard let stored = try editors.user(named: name) else {
            try await Task.sleep(for: passwordChecks.typicalDuration)
            return try refused(request, name: name, client: client)
        }
        let editors = self.editors
        // bcrypt takes a fraction of a second by design: on threads of its own, never on the
        // event loops, and refused at once when too many are queued.
        let checks = knownDevice ? knownDeviceChecks : passwordChecks
        guard let verified = try await checks.run({ editors.verify(password, of: stored) }) else {
            signInLimiter.abandoned(user: name, client: client, at: started)
            var response = try loginPage(request, error: "Le bureau est très sollicité : réessayez dans quelques secondes.",
                                         status: .serviceUnavailable)
            response.headers[.retryAfter] = "2"
            return response
        }
        guard verified else { return try refused(request, name: name, client: client) }
        signInLimiter.succeeded(user: name, client: client, at: started)
        let token = Tokens.random()
        try store.createSession(tokenHash: Tokens.hash(token), userName: stored.name, csrf: Tokens.random(),
                                expiresAt: Date().addingTimeInterval(configuration.sessionLifetime))
        var response = Response.redirect(to: "/queue", type: .normal)
        response.setCookie(cookie(Self.sessionCookie, token, maxAge: Int(configuration.sessionLifetime)))
        response.setCookie(cookie(Self.loginCookie, "", maxAge: 0))
        response.setCookie(cookie(DeviceCookies.name, devices.value(for: stored.name), maxAge: DeviceCookies.lifetime))
        return response
    }

    private func refused(_ request: Request, name: String, client: String) throws -> Response {
        logger.notice("desk sign-in refused", metadata: ["user": "\(LogText.escaped(name, limit: 64))", "client": "\(client)"])
        return try loginPage(request, error: "Nom ou mot de passe incorrect.", status: .unauthorized)
    }

    /// Ends the session the cookie names, whatever the form says: a stale page's logout must not
    /// leave the session alive on the server while the browser forgets its cookie.
    func logout(_ request: Request) async throws -> Response {
        _ = try? await body(request)
        if let token = request.cookies[Self.sessionCookie]?.value, token.count == 64 {
            try store.endSession(tokenHash: Tokens.hash(token))
        }
        var response = Response.redirect(to: "/login", type: .normal)
        response.setCookie(cookie(Self.sessionCookie, "", maxAge: 0))
        return response
    }

    func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }

    // MARK: Pages

    func queuePage(_ request: Request, session: DeskSession) throws -> Response {
        let query = request.uri.queryParameters
        let stateName = query["state"].map(String.init) ?? "queued"
        // "policy-rejected": the items the policy rejected without an editor, to catch its mistakes.
        let byPolicy = stateName == "policy-rejected"
        let status = byPolicy ? .rejected : CurationStatus(rawValue: stateName)
        func parameter(_ name: Substring) -> String? { query[name].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let tag = parameter("tag"), search = parameter("q"), sourceID = parameter("source"), language = parameter("lang")
        let urgency = parameter("urgency").flatMap(UrgencyLevel.init(name:))
        let order = parameter("sort").flatMap(QueueOrder.init(rawValue:)) ?? .urgency
        let items = try store.curatedItems(status: stateName == "all" ? nil : status, tag: tag, query: search, synonyms: synonyms, limit: 200,
                                           sourceID: sourceID, urgency: urgency, language: language, order: order,
                                           decidedBy: byPolicy ? "policy" : nil)
        // Every filter is in the URL: a view can be bookmarked, and each action comes back to it.
        let returnPath = "/queue?" + [("state", stateName), ("tag", tag ?? ""), ("q", search ?? ""), ("source", sourceID ?? ""),
                                      ("urgency", urgency?.name ?? ""), ("lang", language ?? ""), ("sort", order.rawValue)]
            .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        let rows: [[String: Any]] = items.map { item in
            ["id": item.id, "title": item.title, "source": item.sourceTitle, "date": french.day(item.listedAt),
                    "summary": item.summary ?? "",
                    // Which rule matched what: « santé » (titre), at most three.
                    "evidence": Self.evidenceWords(item.evidence),
                    "cves": item.cves.prefix(6).map { ["cve": $0, "exploited": item.knownExploited.contains($0)] as [String: Any] },
                    "dateISO": ISO8601UTC.day(from: item.listedAt),
                    "score": FrenchFormat.decimal(item.healthScore, digits: 2), "state": FrenchFormat.state(item.status), "pinned": item.pinned,
                    "stateName": item.status.rawValue, "reason": item.rejectionReason ?? "", "tags": item.tags.joined(separator: ", "), "version": item.version, "return": returnPath,
                    "csrf": session.csrf, "urgency": item.urgency.name,
                    "urgencyLabel": item.urgency == .urgent ? "urgent" : item.urgency == .high ? "urgence élevée" : ""]
        }
        // The URL keeps the states' stored names (links and scripts rely on them); people read French.
        let states = ([("all", "tous")] + CurationStatus.allCases.map { ($0.rawValue, FrenchFormat.state($0)) }
                      + [("policy-rejected", "écartés par la politique")]).map {
            ["name": $0.0, "label": $0.1, "current": $0.0 == stateName] as [String: Any]
        }
        func options(_ pairs: [(String, String)], _ current: String?) -> [[String: Any]] {
            pairs.map { ["name": $0.0, "label": $0.1, "current": $0.0 == (current ?? "")] as [String: Any] }
        }
        let filters: [String: Any] = [
            "sources": options([("", "toutes")] + (try store.sourceTitles()).map { ($0.id, $0.title) }, sourceID),
            "urgencies": options([("", "toutes"), ("urgent", "urgente"), ("high", "élevée"), ("normal", "courante")], urgency?.name),
            "languages": options([("", "toutes"), ("fr", "français"), ("en", "anglais")], language),
            "orders": options([("urgency", "urgence"), ("score", "pertinence santé"), ("date", "date")], order.rawValue),
        ]
        return try html("queue", frame(session, filters.merging(["title": "File", "items": rows, "count": rows.count,
                                                  "countText": FrenchFormat.count(rows.count, "élément", "éléments"), "states": states,
                                                  "tag": tag ?? "", "q": search ?? "", "empty": rows.isEmpty,
                                                  "return": returnPath, "reasons": configuration.rejectionReasons]) { _, new in new }))
    }

    static let fieldNames = FrenchFormat.fieldNames.merging(["facts": "faits de l'avis"]) { first, _ in first }

    /// « « rançongiciel » (titre), « CHU » (résumé) »: the words the rules found, and where.
    static func evidenceWords(_ evidence: [TagEvidence]) -> String {
        var seen = Set<String>()
        return evidence.filter { !$0.matchedText.isEmpty && seen.insert($0.matchedText.lowercased()).inserted }.prefix(3)
            .map { "« \($0.matchedText) » (\(fieldNames[$0.field] ?? $0.field))" }.joined(separator: ", ")
    }

    func itemPage(_ id: Int64?, session: DeskSession) throws -> Response {
        guard let id, let item = try store.item(id: id) else {
            return try html(status: .notFound, "message", frame(session, ["title": "Introuvable", "message": "Aucun élément n'a ce numéro."]))
        }
        let state = try store.curation(itemID: id)
        let history = try store.auditLog(itemID: id, limit: 50).map { entry -> [String: Any] in
            ["at": french.dateTime(entry.at), "atISO": ISO8601UTC.string(from: entry.at), "actor": AuditWording.actor(entry.actor),
             "action": FrenchFormat.action(entry.action)]
        }
        let context: [String: Any] = [
            "title": item.title, "id": id, "source": item.sourceTitle, "link": WebLink.web(item.link) as Any,
            "date": french.dateTime(item.displayDate), "dateISO": ISO8601UTC.string(from: item.displayDate),
            "summary": item.summary.map(PlainText.from(html:)) as Any,
            "score": FrenchFormat.decimal(item.healthScore, digits: 2), "state": FrenchFormat.state(state.status), "pinned": state.pinned,
            "rejectionReason": state.rejectionReason as Any, "reasons": configuration.rejectionReasons,
            "handled": state.handled, "isUrgent": item.urgency == .urgent,
            "version": state.version, "titleOverride": state.titleOverride ?? "", "note": state.note ?? "",
            "noteHTML": state.noteHTML as Any, "csrf": session.csrf,
            "tags": item.tags.map { ["tag": $0.tagID, "rule": $0.ruleID, "text": $0.matchedText, "field": Self.fieldNames[$0.field] ?? $0.field] },
            "urgency": item.urgency.name, "urgencyLabel": item.urgency.labelFR,
            "urgencyReasons": item.urgencyReasons.map(\.explanationFR), "hasUrgencyReasons": !item.urgencyReasons.isEmpty,
            "cves": item.cves, "sources": item.alsoReportedBy.map { ["source": $0.sourceTitle, "title": $0.title, "link": WebLink.web($0.link) as Any] },
            "hasSources": !item.alsoReportedBy.isEmpty, "history": history, "return": "/items/\(id)",
            "tagsAdded": state.tagsAdded.joined(separator: " "), "tagsRemoved": state.tagsRemoved.joined(separator: " "),
        ]
        return try html("item", frame(session, context))
    }

    func previewPage(session: DeskSession) throws -> Response {
        let items = try store.publishableItems(limit: 100, unreviewed: publishUnreviewed)
        let rows = items.map { ["id": $0.id, "title": $0.title, "source": $0.sourceTitle, "pinned": $0.pinned,
                                "state": FrenchFormat.state($0.curationStatus ?? .queued)] as [String: Any] }
        return try html("preview", frame(session, ["title": "Prochaine édition", "items": rows, "count": rows.count,
                                                    "countText": FrenchFormat.count(rows.count, "élément", "éléments"),
                                                    "canRender": preview != nil && configuration.previewDirectory != nil,
                                                    "csrf": session.csrf]))
    }

    func auditPage(session: DeskSession) throws -> Response {
        guard session.user.role == .admin else {
            return try html(status: .forbidden, "message", frame(session, ["title": "Réservé", "message": "Le journal est réservé aux administrateurs."]))
        }
        let entries = try store.auditLog(limit: 500).map { entry -> [String: Any] in
            ["at": french.dateTime(entry.at), "atISO": ISO8601UTC.string(from: entry.at), "actor": AuditWording.actor(entry.actor),
             "action": FrenchFormat.action(entry.action), "item": entry.itemID.map(String.init) ?? "",
             "change": AuditWording.change(before: entry.before, after: entry.after)]
        }
        return try html("audit", frame(session, ["title": "Journal", "entries": entries]))
    }

    func conflictPage(_ conflict: CurationConflict, action: String, change: [String: String], session: DeskSession) throws -> Response {
        let current = conflict.current
        let labels = ["title": "titre", "note": "note", "reason": "motif", "reason_other": "autre motif", "tags": "étiquettes"]
        let yours: [[String: String]] = change
            .sorted { $0.key < $1.key }.map { ["name": $0.key, "field": labels[$0.key] ?? $0.key, "value": $0.value] }
        return try html(status: .conflict, "conflict", frame(session, [
            "title": "Conflit", "id": conflict.itemID, "action": action, "actionLabel": FrenchFormat.command(action), "yours": yours,
            "seenVersion": conflict.expectedVersion,
            "version": current.version, "state": FrenchFormat.state(current.status), "pinned": current.pinned,
            "by": current.updatedBy ?? "?", "at": current.updatedAt.map(french.dateTime) ?? "",
            "titleOverride": current.titleOverride ?? "", "note": current.note ?? "", "csrf": session.csrf,
            "retry": ["select", "reject", "queue", "pin", "unpin", "handled", "unhandled"].contains(action), "return": "/items/\(conflict.itemID)",
        ]))
    }

    // MARK: Plumbing

    func frame(_ session: DeskSession, _ context: [String: Any]) -> [String: Any] {
        var context = context
        context["user"] = session.user.name
        context["admin"] = session.user.role == .admin
        context["signedIn"] = true
        context["sessionCSRF"] = session.csrf
        return context
    }

    func html(status: HTTPResponse.Status = .ok, _ template: String, _ context: [String: Any]) throws -> Response {
        let body = try templates.render(context, template)
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    func asset(_ name: String) throws -> Response {
        let types = ["desk.css": "text/css; charset=utf-8", "desk.js": "text/javascript; charset=utf-8"]
        guard let type = types[name] else { return Response(status: .notFound) }
        let data = try Data(contentsOf: URL(fileURLWithPath: configuration.templatesDirectory).appendingPathComponent(name))
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A form post's fields (DeskForms), decoded by Hummingbird's decoder from a body of at most
    /// 64 KiB arriving within the body timeout. Browsers always send what it reads; anything
    /// else is refused whole (400), never half read.
    func form<Form: Decodable>(_ type: Form.Type, _ request: Request) async throws -> Form {
        let buffer = try await body(request)
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: String(buffer: buffer))
        } catch {
            throw HTTPError(.badRequest, message: "Formulaire illisible : recommencez depuis la page du bureau.")
        }
    }

    func body(_ request: Request) async throws -> ByteBuffer {
        let timeout = configuration.bodyTimeout
        let buffer = try await withThrowingTaskGroup(of: ByteBuffer.self) { group in
            group.addTask {
                var request = request
                return try await request.collectBody(upTo: 64 * 1024)
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                throw HTTPError(.requestTimeout, message: "The form did not arrive in time.")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
        return buffer
    }
}
