import ArgumentParser
import Desk
import Dispatch
import Foundation
import Logging
import NIOCore
import Pipeline
import Tagging

/// `cyberveille serve [--port N]`: the editors' web desk, on 127.0.0.1 by default.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the editors' web desk (on 127.0.0.1 unless --host says otherwise).")
    @OptionGroup var options: CommonOptions
    @Option(help: "Port to listen on.") var port = 8417
    @Option(help: "Address to listen on. Anything but loopback exposes the desk: put it behind TLS.") var host = "127.0.0.1"
    @Option(help: "Folder of the desk's templates (default: desk/ in the site's templates folder).") var templates: String?
    @Flag(name: .customLong("insecure-cookies"), help: "Session cookies without Secure (only for a browser that refuses them on http://127.0.0.1).")
    var insecureCookies = false

    func run() throws {
        let environment = try reportingFailure { try options.environment(verboseByDefault: true) }
        let server = try reportingFailure {
            let taxonomy = try Taxonomy.load(path: environment.settings.rulesPath)
            return try DeskServer(
                store: environment.store, knownTags: Set(taxonomy.tags.map(\.id)), synonyms: taxonomy.synonyms,
                passwordCost: environment.settings.passwordCost,
                publishUnreviewed: environment.settings.curation.publishUnreviewed,
                configuration: DeskConfiguration(
                    host: host, port: port, secureCookies: !insecureCookies,
                    templatesDirectory: templates ?? URL(fileURLWithPath: environment.settings.templatesDirectory).appendingPathComponent("desk").path,
                    allowedHosts: environment.settings.desk.allowedHosts.map(Set.init),
                    trustedProxies: Set(environment.settings.desk.trustedProxies), maxConnections: environment.settings.desk.maxConnections,
                    idleTimeout: TimeInterval(environment.settings.desk.idleTimeoutSeconds),
                    bodyTimeout: TimeInterval(environment.settings.desk.bodyTimeoutSeconds),
                    timeZone: TimeZone(identifier: environment.settings.site.timeZone) ?? TimeZone(identifier: "Europe/Paris")!,
                    rejectionReasons: environment.settings.rejectionReasons,
                    requireAlertApproval: environment.settings.alerts.requireApproval,
                    previewDirectory: try Self.privateFolder()),
                logger: environment.logger,
                // « Publier maintenant »: the same run as `cyberveille publish`, under the same lock.
                publish: {
                    let summary = try PublicationRun(environment: environment).execute(.publishOnly)
                    return DeskPublicationReport(pagesWritten: summary.pagesWritten, pagesReused: summary.pagesReused,
                                                 alertsChanged: summary.alertsChanged, outputDirectory: summary.outputDirectory)
                },
                preview: { folder in
                    let summary = try PublicationRun(environment: environment).preview(into: folder)
                    return DeskPublicationReport(pagesWritten: summary.pagesWritten, pagesReused: summary.pagesReused,
                                                 alertsChanged: 0, outputDirectory: summary.outputDirectory)
                })
        }
        let logger = environment.logger
        let done = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task {
            do {
                try await server.application { port in
                    logger.notice("desk listening", metadata: ["url": "http://\(host):\(port)/queue"])
                }.runService()
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                failure.set("\(host):\(port): the port is in use by another process (another desk?); stop it or choose another with --port")
            } catch let error as IOError where error.errnoCode == EACCES {
                failure.set("\(host):\(port): this user may not listen on this port (below 1024); choose another with --port, behind a proxy")
            } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL {
                failure.set("\(host):\(port): no interface of this machine has this address; see --host")
            } catch {
                failure.set("\(host):\(port): \(error)")
            }
            done.signal()
        }
        done.wait()
        if let message = failure.get() { throw fail(message) }
    }
}

extension ServeCommand {
    /// A folder only this user reads, for the desk's preview of the site (under $TMPDIR).
    static func privateFolder() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/cyberveille-preview-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw fail("cannot create a folder for the desk's preview in \(NSTemporaryDirectory())") }
        return URL(fileURLWithPath: String(cString: made)).appendingPathComponent("site").path
    }
}

private final class FailureBox: @unchecked Sendable {
    private var message: String?
    private let lock = NSLock()
    func set(_ text: String) { lock.withLock { message = text } }
    func get() -> String? { lock.withLock { message } }
}
