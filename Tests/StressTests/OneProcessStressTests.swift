import Config
import Curation
import Desk
import Foundation
import Logging
import Model
import Storage
import Synchronization
import Testing
import TestSupport

@testable import Pipeline

/// Everything that shares the database code in one process, at once: the daemon polling feeds
/// that change on every request, a publication run (fetch to site) over and over, and two editors
/// deciding items through the desk's HTTP server. A few seconds in the tests; `scripts/stress`
/// runs it for a minute under ThreadSanitizer (CYBERVEILLE_STRESS_SECONDS).
@Suite struct OneProcessStressTests {
    static let seconds = ProcessInfo.processInfo.environment["CYBERVEILLE_STRESS_SECONDS"].flatMap(Double.init) ?? 4
    static let feeds = ["chu", "clinique", "ehpad", "laboratoire"]
    static let logger = Logger(label: "stress", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func daemonPublicationAndTwoEditorsTogether() async throws {
        let served = Mutex<[String: Int]>([:])
        let server = try LocalHTTPServer { request in
            let name = String(request.path.dropFirst())
            let round = served.withLock { counts in
                counts[name, default: 0] += 1
                return counts[name]!
            }
            return .init(status: 200, headers: [("Content-Type", "application/rss+xml")], body: Self.feed(name, round: round))
        }
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-stress-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = try Self.environment(server, in: directory)
        let editors = Editors(store: environment.store, cost: 4)
        try editors.add("alice", role: .editor, password: "alice's long password", actor: "test")
        try editors.add("bob", role: .editor, password: "bob's long password!", actor: "test")
        _ = try PublicationRun(environment: environment, force: true).execute(.all)  // items for the editors from the start

        let desk = try DeskServer(store: environment.store, knownTags: [], passwordCost: 4, publishUnreviewed: true,
                                  configuration: DeskConfiguration(port: 0, templatesDirectory: Self.root.appendingPathComponent("Templates/desk").path),
                                  logger: Self.logger)
        let (ports, announce) = AsyncStream.makeStream(of: Int.self)
        let deskTask = Task { try await desk.application { port in announce.yield(port) }.run() }
        defer { deskTask.cancel() }
        var portIterator = ports.makeAsyncIterator()
        let base = "http://127.0.0.1:\(await portIterator.next() ?? 0)"

        let deadline = Date().addingTimeInterval(Self.seconds)
        let daemon = Daemon(environment: environment, maxSleep: 1)
        let daemonStopped = DispatchSemaphore(value: 0)
        runInBackground("daemon") {
            daemon.run()
            daemonStopped.signal()
        }
        // The daemon polls what is due; a forced run polls everything, tags, groups and publishes.
        let publications = Mutex<(runs: Int, errors: [String])>((0, []))
        let publisherStopped = DispatchSemaphore(value: 0)
        runInBackground("publication") {
            while Date() < deadline {
                do {
                    _ = try PublicationRun(environment: environment, force: true).execute(.all)
                    publications.withLock { $0.runs += 1 }
                } catch {
                    publications.withLock { $0.errors.append("\(error)") }
                }
                daemon.requestWake()
            }
            publisherStopped.signal()
        }
        async let alice = Self.edit(as: "alice", password: "alice's long password", base: base, until: deadline)
        async let bob = Self.edit(as: "bob", password: "bob's long password!", base: base, until: deadline)
        let outcomes = [try await alice, try await bob]

        #expect(publisherStopped.wait(timeout: .now() + 120) == .success, "the publication run ends")
        daemon.requestStop()
        #expect(daemonStopped.wait(timeout: .now() + 120) == .success, "the daemon stops")

        let published = publications.withLock { $0 }
        #expect(published.errors.isEmpty, "runs failed: \(published.errors.prefix(3))")
        #expect(published.runs >= 1)
        #expect(daemon.rounds >= 1)
        for (name, outcome) in zip(["alice", "bob"], outcomes) {
            #expect(outcome.unexpected.isEmpty, "\(name) got \(outcome.unexpected.prefix(5))")
            #expect(outcome.decided > 0, "\(name) decided nothing")
            // Every decision the desk accepted is in the audit log, under its editor's name.
            let audited = try environment.store.auditLog(limit: 1_000_000).filter { $0.actor == name && ["selected", "rejected", "queued"].contains($0.action) }
            #expect(audited.count == outcome.decided, "\(name): \(outcome.decided) accepted, \(audited.count) audited")
        }
        print("stress: \(Self.seconds) s: \(published.runs) publication runs, \(daemon.rounds) daemon rounds, "
              + zip(["alice", "bob"], outcomes).map { "\($0): \($1.decided) decisions, \($1.conflicts) conflicts, \($1.refused) refused" }
              .joined(separator: "; ") + "; \(try environment.store.counts().items) items")
        #expect(try environment.store.check().isEmpty, "the database is sound")
        // Each item served is stored once, whatever raced to store it.
        let servedItems = served.withLock { $0.values.reduce(0) { $0 + $1 } } * Self.newItemsPerFetch + Self.feeds.count
        #expect(try environment.store.counts().items == servedItems)
        // A last publication finds the site as the previous one left it.
        let last = try PublicationRun(environment: environment).execute(.publishOnly)
        #expect(last.siteFilesRepaired == 0)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("Output/index.html").path))
    }

    static let newItemsPerFetch = 3

    /// Three new items on every request, and one that stays and changes (an update).
    static func feed(_ name: String, round: Int) -> Data {
        var items = (1...newItemsPerFetch).map { index in
            """
            <item><guid>\(name)-\(round)-\(index)</guid><title>Rançongiciel dans un \(name) : CVE-2026-\(10_000 + round * 10 + index) exploitée</title>
            <link>https://news.example.org/\(name)/\(round)/\(index)</link><pubDate>Mon, 07 Dec 2026 0\(index):00:00 +0100</pubDate>
            <description>&lt;p&gt;Un \(name) touché par un rançongiciel, tour \(round).&lt;/p&gt;</description></item>
            """
        }
        items.append("<item><guid>\(name)-stable</guid><title>Hôpital et VPN : bilan \(round)</title><link>https://news.example.org/\(name)/stable</link></item>")
        return Data("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(name)</title><link>https://news.example.org/</link>\(items.joined())</channel></rss>".utf8)
    }

    struct Outcome: Sendable {
        var decided = 0
        var conflicts = 0
        var refused = 0
        var unexpected: [String] = []
    }

    /// An editor going through the queue: open an item, select, reject or send it back.
    static func edit(as name: String, password: String, base: String, until deadline: Date) async throws -> Outcome {
        let browser = Browser(base: base)
        var outcome = Outcome()
        let signedIn = await signIn(browser, name, password)
        guard signedIn.status == 303 else {
            outcome.unexpected.append("sign-in \(signedIn.status)")
            return outcome
        }
        let actions = ["select", "reject", "queue"]
        var turn = 0
        while Date() < deadline {
            let queue = await browser.get("/queue?state=all")
            guard queue.status == 200, let csrf = Browser.csrf(queue.body) else {
                outcome.unexpected.append("queue \(queue.status)")
                continue
            }
            for id in Self.itemIDs(queue.body).shuffled().prefix(3) {
                let page = await browser.get("/items/\(id)")
                guard page.status == 200, let version = Self.version(page.body) else {
                    outcome.unexpected.append("item \(id): \(page.status)")
                    continue
                }
                turn += 1
                let action = actions[turn % actions.count]
                let posted = await browser.post("/items/\(id)/\(action)", ["csrf": csrf, "version": version])
                switch posted.status {
                case 303: outcome.decided += 1
                case 409: outcome.conflicts += 1  // the other editor was first: both versions shown, nothing lost
                case 400 where posted.body.contains("Action refusée"): outcome.refused += 1  // a move the workflow forbids
                default: outcome.unexpected.append("\(action) \(id): \(posted.status)")
                }
            }
        }
        return outcome
    }

    static func itemIDs(_ html: String) -> [String] {
        html.matches(of: /action="\/items\/(\d+)\/select"/).map { String($0.output.1) }
    }

    static func version(_ html: String) -> String? {
        html.firstMatch(of: /name="version" value="(\d+)"/).map { String($0.output.1) }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func environment(_ server: LocalHTTPServer, in directory: URL) throws -> RunEnvironment {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sourcesFile = directory.appendingPathComponent("sources.toml")
        try feeds.map { "[[source]]\nid = \"\($0)\"\nurl = \"\(server.baseURL)/\($0)\"\ninterval = \"1m\"\n" }
            .joined(separator: "\n").write(to: sourcesFile, atomically: true, encoding: .utf8)
        var settings = try Settings.resolve(
            SettingsOverrides(databasePath: directory.appendingPathComponent("var/stress.sqlite").path,
                              outputDirectory: directory.appendingPathComponent("Output").path,
                              sourcesPath: sourcesFile.path, baseURL: "https://veille.example.org/", allowPrivateNetworks: true),
            environment: [:])
        settings.templatesDirectory = root.appendingPathComponent("Templates").path
        settings.rulesPath = root.appendingPathComponent("Feeds/tagging.toml").path
        return try RunEnvironment(settings: settings, logger: logger)
    }
}
