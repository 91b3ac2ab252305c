import ArgumentParser
import Config
import FeedParsing
import Foundation
import Model
import Pipeline
import Publishing

/// `cyberveille feeds …`: the sources and how they are doing.
struct FeedsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds", abstract: "List the sources, show their health, enable a disabled one.",
        subcommands: [FeedsList.self, FeedsHealth.self, FeedsEnable.self, FeedsAdd.self, FeedsRemove.self, FeedsImport.self,
                      FeedsExport.self, FeedsWatchlist.self])
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

/// `feeds watchlist FILE`: « Mon parc » from the command line, for structures that script it.
struct FeedsWatchlist: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watchlist", abstract: "Print an OPML file of the site's feeds for the products listed in a file, one per line.",
        discussion: """
            A line names a product (« Medirad PACS Server », or « PACS Server » alone), a vendor for all its products \
            (« Medirad »), or either as the site's addresses write them (« medirad/pacs-server »); case, accents and \
            punctuation do not matter; lines starting with # are comments. Lines the site has no page for are reported on \
            stderr, and the exit status is 1 when no line matched. Nothing is sent anywhere: the list stays on this machine.
            """)
    @OptionGroup var options: CommonOptions
    @Argument(help: "A file of products, one per line (\"-\" reads stdin).") var file: String

    func run() throws {
        try reportingFailure {
            let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(file): not UTF-8 text") }
            let environment = try options.environment()
            let settings = environment.settings
            let items = try environment.store.publicationItems(limit: settings.site.archiveItems, unreviewed: settings.curation.publishUnreviewed).published
            // Every way a line may name a page: the vendor, the product with or without its vendor, the address.
            var pages: [String: [(title: String, path: String)]] = [:]
            for vendor in SitePublisher.productCatalog(items).vendors {
                for key in Set([vendor.key, SitePublisher.productSlug(vendor.name)].compactMap { $0 }) {
                    pages[key, default: []].append((vendor.name, vendor.path))
                }
                for product in vendor.products {
                    let keys = [SitePublisher.productSlug(product.title), SitePublisher.productSlug(product.name),
                                SitePublisher.productSlug(vendor.key + " " + product.key)]
                    for key in Set(keys.compactMap { $0 }) { pages[key, default: []].append((product.title, product.path)) }
                }
            }
            var chosen: [(title: String, path: String)] = [], seen = Set<String>(), unknown = 0
            for (number, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !line.isEmpty, !line.hasPrefix("#") else { continue }
                guard let key = SitePublisher.productSlug(line), let found = pages[key] else {
                    unknown += 1
                    FileHandle.standardError.write(Data("\(file):\(number + 1): « \(LogText.escaped(line)) »: no product or vendor of that name on the site\n".utf8))
                    continue
                }
                if Set(found.map(\.path)).count > 1 {
                    let names = found.map(\.title).joined(separator: ", ")
                    FileHandle.standardError.write(Data("\(file):\(number + 1): « \(LogText.escaped(line)) » names \(found.count) products: \(names) (all kept; name the vendor to choose)\n".utf8))
                }
                for page in found where seen.insert(page.path).inserted { chosen.append(page) }
            }
            let base = settings.site.baseURL
            let sources = chosen.map { Source(id: $0.path, title: $0.title, url: base + $0.path + "atom.xml", homepage: base + $0.path) }
            print(OPMLWriter.document(sources, title: "\(settings.site.title) — parc"), terminator: "")
            if chosen.isEmpty { throw ExitCode(1) }
            if unknown > 0 { FileHandle.standardError.write(Data("\(unknown) line\(unknown == 1 ? "" : "s") matched nothing; \(chosen.count) feed\(chosen.count == 1 ? "" : "s") written\n".utf8)) }
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
