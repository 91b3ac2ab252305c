import Config
import Fetching
import Foundation
import Logging
import Model
import Storage
import Synchronization
import Testing
import TestSupport

@testable import Pipeline

/// A round against a real HTTP server on 127.0.0.1 where most feeds misbehave: each failure is
/// recorded on its own feed, in words, and the healthy feed of the round is stored.
@Suite struct HostileServerTests {
    private static let feed = Data("""
        <rss version="2.0"><channel><title>ok</title>
        <item><guid>1</guid><title>Un hôpital</title><link>https://example.org/1</link></item></channel></rss>
        """.utf8)

    private static func server() throws -> LocalHTTPServer {
        try LocalHTTPServer { request in
            switch request.path {
            case "/ok": return .init(status: 200, headers: [("Content-Type", "application/rss+xml")], body: feed)
            case "/gone": return .init(status: 410)
            case "/busy": return .init(status: 429, headers: [("Retry-After", "7200")])
            case "/wall": return .init(status: 403, headers: [("cf-mitigated", "challenge")], body: Data("<html>Just a moment…</html>".utf8))
            case "/login": return .init(status: 200, headers: [("Content-Type", "text/html")], body: Data("<!DOCTYPE html><html><body><form>login</form></body></html>".utf8))
            case "/empty": return .init(status: 200, body: Data("<rss version=\"2.0\"><channel><title>e</title></channel></rss>".utf8))
            case "/error": return .init(status: 500)
            default: return .init(status: 404)
            }
        }
    }

    /// A run environment over `names`, each a source polled at `server/NAME`.
    static func environment(_ server: LocalHTTPServer, _ names: [String], critical: Set<String> = []) throws -> RunEnvironment {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sourcesFile = directory.appendingPathComponent("sources.toml")
        try names.map { "[[source]]\nid = \"\($0)\"\nurl = \"\(server.baseURL)/\($0)\"\ncritical = \(critical.contains($0))\n" }
            .joined(separator: "\n").write(to: sourcesFile, atomically: true, encoding: .utf8)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var settings = try Settings.resolve(
            SettingsOverrides(databasePath: directory.appendingPathComponent("db.sqlite").path,
                              outputDirectory: directory.appendingPathComponent("Output").path,
                              sourcesPath: sourcesFile.path, allowPrivateNetworks: true),
            environment: [:])
        settings.templatesDirectory = root.appendingPathComponent("Templates").path
        settings.rulesPath = root.appendingPathComponent("Feeds/tagging.toml").path
        return try RunEnvironment(settings: settings, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test func aFeedThatMovedPermanentlyIsPolledAtItsNewURLAfterThreeRounds() throws {
        let server = try LocalHTTPServer { request in
            request.path == "/old" ? .init(status: 301, headers: [("Location", "/new")]) : .init(status: 200, body: Self.feed)
        }
        defer { server.stop() }
        let environment = try Self.environment(server, ["old"])
        for _ in 1...3 { _ = try PublicationRun(environment: environment, force: true).execute(.fetchOnly) }
        #expect(try environment.store.sourceStates()["old"]?.fetchURL == server.baseURL + "/new")
        let before = server.requests.filter { $0.path == "/old" }.count
        _ = try PublicationRun(environment: environment, force: true).execute(.fetchOnly)
        #expect(before == 3)
        #expect(server.requests.filter { $0.path == "/old" }.count == 3, "the old URL is no longer asked")
    }

    @Test func eachHostileFeedFailsAloneInWords() throws {
        let server = try Self.server()
        defer { server.stop() }
        let names = ["ok", "gone", "busy", "wall", "login", "empty", "error"]
        let environment = try Self.environment(server, names, critical: ["error"])

        let summary = try PublicationRun(environment: environment).execute(.all)
        #expect(summary.feedsOK == 2)  // ok, and empty (a valid document)
        #expect(summary.feedsFailed == 5)
        #expect(summary.itemsNew == 1)
        #expect(summary.pagesWritten > 0)
        let message = Dictionary(uniqueKeysWithValues: summary.failures.map { ($0.sourceID, $0.message) })
        #expect(message["gone"] == "HTTP 410 Gone")
        #expect(message["busy"] == "HTTP 429 Too Many Requests")
        #expect(message["wall"]?.contains("bot-wall challenge") == true)
        #expect(message["login"]?.contains("an HTML page") == true)
        #expect(message["error"] == "HTTP 500 Internal Server Error")
        #expect(summary.criticalSilent.map(\.source.id) == ["error"])
        #expect(summary.json.contains("\"critical_silent\":1"))

        let states = try environment.store.sourceStates()
        #expect(states["gone"]?.disabledReason?.contains("410") == true)
        #expect(states["empty"]?.lastStatus?.contains("empty feed") == true)
        let busyDelay = states["busy"]?.nextDueAt.map { $0.timeIntervalSince(states["busy"]!.lastAttemptAt!) } ?? 0
        #expect(busyDelay >= 7200, "Retry-After is honoured")

        // The next forced round leaves the gone feed alone, and waits for the busy one's Retry-After.
        let second = try PublicationRun(environment: environment, force: true).execute(.fetchOnly)
        #expect(second.feedsOK + second.feedsFailed == names.count - 2)
        #expect(server.requests.filter { $0.path == "/gone" }.count == 1)
        #expect(server.requests.filter { $0.path == "/busy" }.count == 1)
        #expect(second.itemsNew == 0)
    }
}

@Suite struct DaemonTests {
    private static let feed = Data("<rss version=\"2.0\"><channel><item><guid>1</guid><title>t</title></item></channel></rss>".utf8)

    @Test func stoppingMidRoundStoresWhatArrivedAndTheNextStartResumes() throws {
        let server = try LocalHTTPServer { request in
            request.path == "/slow"
                ? .init(status: 200, body: Data(" ".utf8), repeatBody: 600, pauseBetweenRepeats: 0.1)  // a minute of drip
                : .init(status: 200, body: Self.feed)
        }
        defer { server.stop() }
        let environment = try HostileServerTests.environment(server, ["fast", "slow"])
        let daemon = Daemon(environment: environment, maxSleep: 1)
        let stopped = DispatchSemaphore(value: 0)
        runInBackground("daemon") {
            daemon.run()
            stopped.signal()
        }
        // Wait until the fast feed was served, then stop while the slow one still drips.
        let deadline = Date().addingTimeInterval(20)
        while server.requests.filter({ $0.path == "/fast" }).isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.3)
        daemon.requestStop()
        #expect(stopped.wait(timeout: .now() + 10) == .success, "the daemon stops within seconds")

        let states = try environment.store.sourceStates()
        #expect(states["fast"]?.lastSuccessAt != nil)
        #expect(states["slow"]?.lastAttemptAt == nil, "an interrupted transfer is not recorded as a failure")
        #expect(try environment.store.counts().items == 1)

        // The next start asks only for what was not stored.
        let fastRequests = server.requests.filter { $0.path == "/fast" }.count
        let restarted = Daemon(environment: environment, maxSleep: 1)
        let again = DispatchSemaphore(value: 0)
        runInBackground("daemon") {
            restarted.run()
            again.signal()
        }
        while server.requests.filter({ $0.path == "/slow" }).count < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        restarted.requestStop()
        #expect(again.wait(timeout: .now() + 10) == .success)
        #expect(server.requests.filter { $0.path == "/fast" }.count == fastRequests)
    }

    /// An item about health that arrives between two daily runs reaches the site after the
    /// daemon's round, without waiting for the next morning.
    @Test func aRoundThatBringsAHealthItemPublishesTheSite() throws {
        let alert = Data("<rss version=\"2.0\"><channel><item><guid>a1</guid><title>Un centre hospitalier visé par un rançongiciel</title></item></channel></rss>".utf8)
        let server = try LocalHTTPServer { _ in .init(status: 200, body: alert) }
        defer { server.stop() }
        let environment = try HostileServerTests.environment(server, ["alerts"])
        let daemon = Daemon(environment: environment, maxSleep: 1)
        let stopped = DispatchSemaphore(value: 0)
        runInBackground("daemon") {
            daemon.run()
            stopped.signal()
        }
        let home = URL(fileURLWithPath: environment.settings.outputDirectory).appendingPathComponent("index.html")
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: home.path) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        daemon.requestStop()
        #expect(stopped.wait(timeout: .now() + 10) == .success)
        #expect(try String(contentsOf: home, encoding: .utf8).contains("Un centre hospitalier visé par un rançongiciel"))
    }

    /// SIGHUP: the configuration is read again (here, a sources file with one more feed) and a
    /// round starts now; a configuration that does not load keeps the running one.
    @Test func aReloadReadsTheConfigurationAgainAndABrokenOneIsIgnored() throws {
        let server = try LocalHTTPServer { _ in .init(status: 200, body: Self.feed) }
        defer { server.stop() }
        let before = try HostileServerTests.environment(server, ["first"])
        var settings = before.settings
        let sources = URL(fileURLWithPath: settings.sourcesPath).deletingLastPathComponent().appendingPathComponent("more.toml")
        try "[[source]]\nid = \"first\"\nurl = \"\(server.baseURL)/first\"\n\n[[source]]\nid = \"second\"\nurl = \"\(server.baseURL)/second\"\n"
            .write(to: sources, atomically: true, encoding: .utf8)
        settings.sourcesPath = sources.path
        let after = try RunEnvironment(settings: settings, store: before.store, logger: before.logger)
        let attempts = Atomic<Int>(0)
        let daemon = Daemon(environment: before, maxSleep: 1, reload: {
            if attempts.add(1, ordering: .relaxed).newValue == 1 { throw ConfigurationError(file: "cyberveille.toml", "broken") }
            return after
        })
        let stopped = DispatchSemaphore(value: 0)
        runInBackground("daemon") {
            daemon.run()
            stopped.signal()
        }
        func waitFor(_ condition: () -> Bool) {
            let deadline = Date().addingTimeInterval(20)
            while !condition() && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        }
        waitFor { !server.requests.isEmpty }
        daemon.requestReload()  // broken: the running configuration stays
        let rounds = daemon.rounds
        waitFor { daemon.rounds > rounds + 1 }
        #expect(server.requests.allSatisfy { $0.path == "/first" })
        daemon.requestReload()
        waitFor { server.requests.contains { $0.path == "/second" } }
        daemon.requestStop()
        #expect(stopped.wait(timeout: .now() + 10) == .success)
        #expect(server.requests.contains { $0.path == "/second" }, "the reloaded sources file is polled")
    }

    /// The metrics endpoint, read as Prometheus would, after a round with a good, a missing and
    /// a failing feed.
    @Test func metricsCountPollsByOutcomeBytesAndLatency() throws {
        let server = try LocalHTTPServer { request in
            switch request.path {
            case "/good": return .init(status: 200, body: Self.feed)
            case "/missing": return .init(status: 404)
            default: return .init(status: 500)
            }
        }
        defer { server.stop() }
        let environment = try HostileServerTests.environment(server, ["good", "missing", "broken"])
        let daemon = Daemon(environment: environment, maxSleep: 1)
        let endpoint = try MetricsEndpoint(port: 0, metrics: daemon.metrics)
        endpoint.start()
        let stopped = DispatchSemaphore(value: 0)
        runInBackground("daemon") {
            daemon.run()
            stopped.signal()
        }
        let deadline = Date().addingTimeInterval(20)
        while daemon.rounds < 1 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        daemon.requestStop()
        #expect(stopped.wait(timeout: .now() + 10) == .success)

        let base = "http://127.0.0.1:\(endpoint.port)"
        let responses = Fetcher(configuration: environment.fetcherConfiguration).fetch([
            FetchRequest(sourceID: "metrics", url: base + "/metrics"), FetchRequest(sourceID: "health", url: base + "/health"),
            FetchRequest(sourceID: "other", url: base + "/other")])
        let text = String(decoding: responses[0].body, as: UTF8.self)
        #expect(responses[0].contentType?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(text.contains("cyberveille_rounds_total 1"))
        #expect(text.contains("cyberveille_feed_polls_total{outcome=\"ok\"} 1"))
        #expect(text.contains("cyberveille_feed_polls_total{outcome=\"http_4xx\"} 1"))
        #expect(text.contains("cyberveille_feed_polls_total{outcome=\"http_5xx\"} 1"))
        #expect(text.contains("cyberveille_fetch_duration_seconds_count 3"))
        #expect(text.contains("cyberveille_fetched_bytes_total \(Self.feed.count)"))
        #expect(text.contains("cyberveille_items_new_total 1"))
        #expect(String(decoding: responses[1].body, as: UTF8.self) == "ok\n")
        #expect(responses[2].status == 404)
    }
}
