import Configuration
import FeedParsing
import Foundation
import Logging
import Model
import Storage
import Testing

@testable import Pipeline

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func demoSettings(in directory: URL) throws -> Settings {
    var settings = try Settings.resolve(
        SettingsOverrides(databasePath: directory.appendingPathComponent("var/demo.sqlite").path,
                          outputDirectory: directory.appendingPathComponent("Output").path,
                          sourcesPath: root.appendingPathComponent("Feeds/demo/sources.toml").path,
                          baseURL: "https://veille.example.org/", demo: true),
        environment: [:])
    settings.templatesDirectory = root.appendingPathComponent("Templates").path
    settings.rulesPath = root.appendingPathComponent("Feeds/tagging.toml").path
    return settings
}

@Suite struct DemoPublicationTests {
    @Test func publishesTheDemoFeedsEndToEndWithoutDuplicates() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-e2e-\(UUID().uuidString)")
        let environment = try RunEnvironment(settings: try demoSettings(in: directory), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let run = PublicationRun(environment: environment)

        let first = try run.execute(.all)
        #expect(first.feedsOK == 6)
        #expect(first.feedsFailed == 0)
        #expect(first.itemsNew >= 40)
        #expect(first.pagesWritten == 2)

        let html = try String(contentsOf: directory.appendingPathComponent("Output/index.html"), encoding: .utf8)
        #expect(html.contains("Un centre hospitalier de Normandie frappé par un rançongiciel"))
        #expect(html.contains("Multiples vulnérabilités dans Visionis PACS"))
        // The hostile demo item is published without its script, handler or javascript: link.
        #expect(html.contains("Phishing kit abuses fake CAPTCHA pages"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("onerror"))
        #expect(!html.contains("javascript:"))

        let atom = try Data(contentsOf: directory.appendingPathComponent("Output/atom.xml"))
        let feed = try FeedParser().parse(atom, url: "https://veille.example.org/atom.xml")
        #expect(feed.format == .atom10)
        #expect(feed.items.count == min(first.itemsNew, 50))
        #expect(feed.items.allSatisfy { $0.link?.hasPrefix("https://") ?? false })
        #expect(Set(feed.items.compactMap(\.id)).count == feed.items.count)

        let counts = try environment.store.counts()
        #expect(counts.healthItems >= 15)

        let second = try run.execute(.all)
        #expect(second.feedsOK == 6)
        #expect(second.itemsNew == 0)
        #expect(second.itemsUpdated == 0)
        #expect(try environment.store.counts().items == counts.items)
        #expect(second.json.contains("\"items_new\":0"))
    }

    @Test func aBrokenFeedFailsAloneAndThePortalIsStillPublished() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let good = root.appendingPathComponent("Feeds/demo/certfr-avis.xml").path
        try "<rss version=\"2.0\"><channel><item><title>cut".write(
            to: directory.appendingPathComponent("broken.xml"), atomically: true, encoding: .utf8)
        let sources = directory.appendingPathComponent("sources.toml")
        try """
            [[source]]
            id = "good"
            url = "\(good)"
            local = true

            [[source]]
            id = "broken"
            url = "broken.xml"
            local = true

            [[source]]
            id = "missing"
            url = "missing.xml"
            local = true
            """.write(to: sources, atomically: true, encoding: .utf8)
        var settings = try demoSettings(in: directory)
        settings.sourcesPath = sources.path
        let environment = try RunEnvironment(settings: settings, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let summary = try PublicationRun(environment: environment).execute(.all)
        #expect(summary.feedsOK == 1)
        #expect(summary.feedsFailed == 2)
        #expect(summary.pagesWritten == 2)
        let broken = try #require(summary.failures.first { $0.sourceID == "broken" })
        #expect(broken.message.contains("truncated"))
        let states = try environment.store.sourceStates()
        #expect(states["broken"]?.consecutiveFailures == 1)
        #expect(states["missing"]?.lastError != nil)
        #expect(states["good"]?.lastSuccessAt != nil)
    }
}
