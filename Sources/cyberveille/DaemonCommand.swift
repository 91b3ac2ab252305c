import ArgumentParser
import Dispatch
import Foundation
import Pipeline

#if canImport(Glibc)
import Glibc
#endif

struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Poll feeds as they fall due, until stopped (SIGTERM or SIGINT; SIGHUP polls now with fresh sources and rules).",
        discussion: "Publication stays with the daily `cyberveille run`. See docs/operations.md for a systemd unit.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Longest sleep between rounds, in seconds.") var maxSleep: Double = 300

    func run() throws {
        let daemon: Daemon
        do {
            daemon = Daemon(environment: try options.environment(verboseByDefault: true), maxSleep: maxSleep)
        } catch {
            throw fail(error)
        }
        var handlers: [DispatchSourceSignal] = []
        for (number, action) in [(SIGTERM, daemon.requestStop), (SIGINT, daemon.requestStop), (SIGHUP, daemon.requestWake)] {
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
