import ArgumentParser
import Dispatch
import Foundation
import Config
import Pipeline

#if canImport(Glibc)
import Glibc
#endif

struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Poll feeds as they fall due, until stopped (SIGTERM or SIGINT; SIGHUP reloads the configuration and polls now).",
        discussion: "After a round that brought items about health, the site is published (site.publish_from_daemon). See docs/operations.md for a systemd unit.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Longest sleep between rounds, in seconds.") var maxSleep: Double = 300
    @Option(help: "Serve Prometheus metrics on 127.0.0.1:PORT (GET /metrics, GET /health); off by default.")
    var metricsPort: UInt16?

    func run() throws {
        let daemon: Daemon
        do {
            let environment = try options.environment(verboseByDefault: true, createsDatabase: true)
            let overrides = options.overrides
            let logger = environment.logger
            daemon = Daemon(environment: environment, maxSleep: maxSleep, reload: {
                // The same flags, the configuration file and environment read again; the logger stays.
                let settings = try Settings.resolve(overrides, environment: ProcessInfo.processInfo.environment)
                return try RunEnvironment(settings: settings, logger: logger)
            })
        } catch {
            throw fail(error)
        }
        if let metricsPort {
            do {
                let endpoint = try MetricsEndpoint(port: metricsPort, metrics: daemon.metrics)
                endpoint.start()
                FileHandle.standardError.write(Data("cyberveille: metrics on http://127.0.0.1:\(endpoint.port)/metrics\n".utf8))
            } catch {
                throw fail(error)
            }
        }
        var handlers: [DispatchSourceSignal] = []
        for (number, action) in [(SIGTERM, daemon.requestStop), (SIGINT, daemon.requestStop), (SIGHUP, daemon.requestReload)] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: action)
            source.resume()
            handlers.append(source)
        }
        daemon.run()
        withExtendedLifetime(handlers) {}
    }
}
