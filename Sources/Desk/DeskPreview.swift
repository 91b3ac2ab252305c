import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage

/// Renders the site as the next publication would, into `folder` (the executable gives the
/// desk `PublicationRun.preview`); blocking work.
public typealias DeskRenderPreview = @Sendable (_ folder: String) throws -> DeskPublicationReport

/// The next edition as readers will see it: the whole site rendered with the site's own
/// templates into a private folder, and served from there to signed-in editors under
/// /preview/site/ (the site's links are relative, so it reads as it will be published).
extension DeskServer {
    func addPreviewRoutes(to router: Router<Context>) {
        router.post("preview/site") { request, _ in
            try await withSignedForm(TokenForm.self, request) { session, _ in try await renderPreview(session: session) }
        }
        router.get("preview/site/**") { request, context in
            try withSession(request) { _ in try previewFile(context.parameters.getCatchAll()) }
        }
    }

    func renderPreview(session: DeskSession) async throws -> Response {
        guard let renderPreview = preview, let folder = configuration.previewDirectory else {
            return try html(status: .serviceUnavailable, "message", frame(session, ["title": "Aperçu", "message": "Ce bureau n'a pas de site à prévisualiser."]))
        }
        guard let run = await previews.run(by: session.user.name, { try renderPreview(folder) }) else {
            return try html(status: .conflict, "message", frame(session, ["title": "Aperçu", "message": "Un aperçu est déjà en préparation : réessayez dans un instant."]))
        }
        if let error = run.error {
            logger.error("desk preview failed", metadata: ["error": "\(error)"])
            return try html(status: .internalServerError, "message", frame(session, ["title": "Aperçu", "message": "L'aperçu a échoué : \(error)"]))
        }
        return Response.redirect(to: "/preview/site/index.html", type: .normal)
    }

    /// A file of the rendered preview; nothing outside its folder (no `..`, no hidden file, no
    /// link leading out).
    func previewFile(_ segments: [Substring]) throws -> Response {
        guard let root = configuration.previewDirectory,
              segments.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") && !$0.contains("\\") }) else { return Response(status: .notFound) }
        var path = segments.joined(separator: "/")
        var isFolder: ObjCBool = false
        let rootPath = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        if path.isEmpty || (FileManager.default.fileExists(atPath: rootPath + "/" + path, isDirectory: &isFolder) && isFolder.boolValue) {
            path += path.isEmpty ? "index.html" : "/index.html"
        }
        let file = URL(fileURLWithPath: rootPath + "/" + path).resolvingSymlinksInPath()
        guard file.path.hasPrefix(rootPath + "/"), let data = FileManager.default.contents(atPath: file.path) else {
            return Response(status: .notFound)
        }
        let types = ["html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
                     "xml": "application/atom+xml; charset=utf-8", "json": "application/json; charset=utf-8", "svg": "image/svg+xml",
                     "png": "image/png", "txt": "text/plain; charset=utf-8", "webmanifest": "application/manifest+json", "ico": "image/x-icon"]
        let type = types[file.pathExtension.lowercased()] ?? "application/octet-stream"
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
