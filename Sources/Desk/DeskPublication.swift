import Foundation
import HTTPTypes
import Hummingbird
import Publishing
import Storage
import Synchronization

/// What a publication started from the desk did, as the desk shows it.
public struct DeskPublicationReport: Sendable {
    public var pagesWritten: Int
    public var pagesReused: Int
    public var alertsChanged: Int
    public var outputDirectory: String?

    public init(pagesWritten: Int, pagesReused: Int, alertsChanged: Int, outputDirectory: String?) {
        self.pagesWritten = pagesWritten
        self.pagesReused = pagesReused
        self.alertsChanged = alertsChanged
        self.outputDirectory = outputDirectory
    }
}

/// Runs the publication (the executable gives the desk `publish --`'s own run); blocking work.
public typealias DeskPublish = @Sendable () throws -> DeskPublicationReport

/// « Publier maintenant »: one publication at a time from this desk (the run lock keeps it
/// apart from a scheduled run of another process), and the last one's outcome for everyone.
final class PublicationRuns: Sendable {
    struct Run: Sendable {
        var by: String
        var startedAt: Date
        var finishedAt: Date?
        var report: DeskPublicationReport?
        var error: String?
    }

    private let state = Mutex<(running: Run?, last: Run?)>((nil, nil))

    var running: Run? { state.withLock { $0.running } }
    var last: Run? { state.withLock { $0.last } }

    /// Runs `publish` on a thread of its own, unless one is already running (nil then).
    func run(by editor: String, _ publish: @escaping DeskPublish) async -> Run? {
        let started = state.withLock { state -> Run? in
            guard state.running == nil else { return nil }
            state.running = Run(by: editor, startedAt: Date())
            return state.running
        }
        guard var run = started else { return nil }
        do {
            run.report = try await Blocking.run(publish)
        } catch {
            run.error = String(describing: error)
        }
        run.finishedAt = Date()
        let finished = run
        state.withLock { $0 = (nil, finished) }
        return finished
    }
}

extension DeskServer {
    func addPublicationRoutes(to router: Router<Context>) {
        router.get("publish") { request, _ in try withSession(request) { try publicationPage(session: $0) } }
        router.post("publish") { request, _ in
            try await withSignedForm(TokenForm.self, request) { session, _ in try await publishNow(session: session) }
        }
    }

    func publicationPage(session: DeskSession, message: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        func describe(_ run: PublicationRuns.Run) -> [String: Any] {
            var fields: [String: Any] = ["by": run.by, "at": french.dateTime(run.startedAt), "ok": run.error == nil]
            if let finished = run.finishedAt {
                fields["seconds"] = FrenchFormat.decimal(finished.timeIntervalSince(run.startedAt), digits: 1)
            }
            if let report = run.report {
                fields["written"] = FrenchFormat.count(report.pagesWritten, "page écrite", "pages écrites")
                fields["reused"] = FrenchFormat.count(report.pagesReused, "page inchangée", "pages inchangées")
                fields["alerts"] = FrenchFormat.count(report.alertsChanged, "alerte changée", "alertes changées")
            }
            fields["error"] = run.error as Any
            return fields
        }
        return try html(status: status, "publish", frame(session, [
            "title": "Publier", "csrf": session.csrf, "available": publish != nil, "message": message as Any,
            "running": publications.running.map(describe) as Any, "last": publications.last.map(describe) as Any,
        ]))
    }

    func publishNow(session: DeskSession) async throws -> Response {
        guard let publish else {
            return try publicationPage(session: session, message: "Ce bureau ne publie pas (lancé sans site).", status: .serviceUnavailable)
        }
        logger.notice("publication started from the desk", metadata: ["user": "\(session.user.name)"])
        guard let run = await publications.run(by: session.user.name, publish) else {
            return try publicationPage(session: session, message: "Une publication est déjà en cours : attendez qu'elle finisse.", status: .conflict)
        }
        if let error = run.error { logger.error("publication from the desk failed", metadata: ["error": "\(error)"]) }
        return try publicationPage(session: session, message: run.error == nil ? "Le site est publié." : "La publication a échoué.",
                                   status: run.error == nil ? .ok : .internalServerError)
    }
}
