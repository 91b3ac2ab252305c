import ArgumentParser
import Config
import FeedParsing
import Foundation
import Model
import Pipeline

/// `cyberveille feeds …`: the sources and how they are doing.
struct FeedsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds", abstract: "List the sources, show their health, enable a disabled one.",
        subcommands: [FeedsList.self, FeedsHealth.self, FeedsEnable.self, FeedsAdd.self, FeedsRemove.self, FeedsImport.self,
                      FeedsExport.self])
}

struct FeedsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The sources of the sources file.")
    @OptionGroup var options: CommonOptions

    func run() throws {
        try reportingFailure {
            let settings = try options.settings()
            for source in try SourcesFile.load(path: settings.sourcesPath) {
                print([source.id, source.kind.rawValue, source.language ?? "-", "every \(source.interval / 60) min",
                       source.critical ? "critical" : "", source.enabled ? "" : "disabled", source.url]
                    .filter { !$0.isEmpty }.joined(separator: "  "))
            }
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
        try reportingFailure {
            let environment = try options.environment()
            for id in ids {
                guard try environment.store.enableSource(id) else { throw ValidationError("no source \"\(id)\" in the database") }
                print("\(id): enabled; polled at the next run")
            }
        }
    }
}

struct FeedsAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a source to the sources file.")
    @OptionGroup var options: CommonOptions
    @Argument(help: "The feed's http(s) URL.") var url: String
    @Option(help: "Its id ([a-z0-9-]+); made from the title when absent.") var id: String?
    @Option(help: "Its title.") var title: String?
    @Option(help: "Language of its items (fr, en…).") var language: String?
    @Option(help: "Poll interval: 30m, 2h, 1d.") var interval: String = "1h"
    @Flag(help: "A source whose silence must be reported (national CERTs).") var critical = false

    func run() throws {
        try reportingFailure {
            let path = try options.settings().sourcesPath
            let seconds = try pollInterval(interval)
            let taken = Set(try SourcesFile.load(path: path).map(\.id))
            let name = title ?? URL(string: url)?.host ?? url
            let source = Source(id: id ?? SourcesFileEditing.identifier(for: name, taken: taken), title: name, url: url,
                                language: language, interval: seconds, critical: critical)
            try SourcesFileEditing.append([source], to: path)
            print("\(source.id): added to \(path)")
        }
    }
}

struct FeedsRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a source from the sources file (its stored items stay).")
    @OptionGroup var options: CommonOptions
    @Argument(help: "Source ids.") var ids: [String]

    func run() throws {
        try reportingFailure {
            let path = try options.settings().sourcesPath
            for id in ids {
                try SourcesFileEditing.remove(id: id, from: path)
                print("\(id): removed from \(path)")
            }
        }
    }
}

struct FeedsImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Add the subscriptions of an OPML file (from any feed reader) to the sources file.")
    @OptionGroup var options: CommonOptions
    @Argument(help: "An OPML 2.0 file.") var file: String
    @Option(help: "Poll interval of the imported sources.") var interval: String = "1h"

    func run() throws {
        try reportingFailure {
            let path = try options.settings().sourcesPath
            let seconds = try pollInterval(interval)
            let list: (outlines: [OPMLOutline], skipped: [OPMLSkippedOutline])
            do {
                list = try OPMLReader.read(try Data(contentsOf: URL(fileURLWithPath: file)))
            } catch let error as FeedParseError {
                throw ValidationError("\(file): \(error)")
            }
            for outline in list.skipped {
                FileHandle.standardError.write(Data("warning: \(file): outline « \(LogText.escaped(outline.title)) » (\(LogText.escaped(outline.feedURL))) skipped: \(outline.reason)\n".utf8))
            }
            let outlines = list.outlines
            let added = SourcesFileEditing.newSources(
                outlines.map { (title: $0.title, url: $0.feedURL, language: $0.language, homepage: $0.siteURL) },
                existing: try SourcesFile.load(path: path), interval: seconds)
            if !added.isEmpty { try SourcesFileEditing.append(added, to: path) }
            print("\(added.count) sources added to \(path), \(outlines.count - added.count) already there"
                  + (list.skipped.isEmpty ? "" : ", \(list.skipped.count) outlines skipped (see the warnings)"))
        }
    }
}

struct FeedsExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Print the sources as OPML 2.0, for any feed reader to import.")
    @OptionGroup var options: CommonOptions

    func run() throws {
        try reportingFailure {
            let settings = try options.settings()
            print(OPMLWriter.document(try SourcesFile.load(path: settings.sourcesPath), title: settings.site.title), terminator: "")
        }
    }
}

/// A poll interval given on the command line ("30m", "2h", "1d"), in seconds.
private func pollInterval(_ text: String) throws -> Int {
    guard let seconds = ConfigDuration.seconds(text) else {
        throw ValidationError("interval \"\(text)\" is not a duration such as 30m, 2h or 1d")
    }
    return seconds
}
