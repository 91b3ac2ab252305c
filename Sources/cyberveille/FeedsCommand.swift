import ArgumentParser
import Configuration
import Foundation
import Model
import Pipeline

/// `cyberveille feeds …`: the sources and how they are doing.
struct FeedsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds", abstract: "List the sources, show their health, enable a disabled one.",
        subcommands: [FeedsList.self, FeedsHealth.self, FeedsEnable.self])
}

struct FeedsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The sources of the sources file.")
    @OptionGroup var options: CommonOptions

    func run() throws {
        do {
            let settings = try options.settings()
            for source in try SourcesFile.load(path: settings.sourcesPath) {
                print([source.id, source.kind.rawValue, source.language ?? "-", "every \(source.interval / 60) min",
                       source.critical ? "critical" : "", source.enabled ? "" : "disabled", source.url]
                    .filter { !$0.isEmpty }.joined(separator: "  "))
            }
        } catch {
            throw fail(error)
        }
    }
}

struct FeedsHealth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Each source's last success, last status, consecutive failures, last error and next poll.",
        discussion: "Exits with status 2 when a critical source has been silent for longer than [fetch] critical_silence.")
    @OptionGroup var options: CommonOptions
    @Flag(help: "Print one JSON object: {\"feeds\": [...], \"failing\": n, \"critical_silent\": n}.") var json = false

    func run() throws {
        let report: [FeedHealth]
        do {
            let environment = try options.environment()
            let sources = try SourcesFile.load(path: environment.settings.sourcesPath)
            report = FeedHealth.report(
                sources: sources, states: try environment.store.sourceStates(),
                criticalSilence: TimeInterval(environment.settings.fetch.criticalSilenceSeconds), now: Date())
        } catch {
            throw fail(error)
        }
        let silent = report.filter(\.criticalSilent).count
        if json {
            let object: [String: Any] = [
                "feeds": report.map(\.json), "failing": report.filter { $0.status == .failing }.count, "critical_silent": silent,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            report.forEach { print($0.line) }
        }
        if silent > 0 { throw ExitCode(2) }
    }
}

struct FeedsEnable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable", abstract: "Poll again a source that was disabled (after HTTP 410 Gone).")
    @OptionGroup var options: CommonOptions
    @Argument(help: "Source ids.") var ids: [String]

    func run() throws {
        do {
            let environment = try options.environment()
            for id in ids {
                guard try environment.store.enableSource(id) else { throw ValidationError("no source \"\(id)\" in the database") }
                print("\(id): enabled; polled at the next run")
            }
        } catch {
            throw fail(error)
        }
    }
}
