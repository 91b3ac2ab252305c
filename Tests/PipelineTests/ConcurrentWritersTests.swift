import Config
import Foundation
import Logging
import Model
import Storage
import Testing

@testable import Pipeline

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Collects what each concurrent writer saw go wrong.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}

@Suite struct ConcurrentWritersTests {
    /// The daemon's ingestion, an editor and a publish, each with its own connections to the
    /// database (as separate processes have), at the same time: no write is lost and none of
    /// them ever sees "database is locked". SQLite's busy timeout is cut to 1 s, far less than
    /// the ingestion keeps writing: only writers taking turns (WriterLock) get through.
    @Test func ingestionEditorsAndPublishingShareTheDatabase() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-concurrent-\(UUID().uuidString)")
        let path = directory.appendingPathComponent("db.sqlite").path
        let feeds = (0..<20).map { Source(id: "feed-\($0)", title: "Feed \($0)", url: "https://feed\($0).example/rss") }
        let setup = try Store(path: path)
        try setup.syncSources(feeds)
        // Items the editor works on, stored and grouped before the others start.
        _ = try setup.upsertItems(sourceID: "feed-0", (0..<20).map { ParsedItem(id: "e\($0)", title: "Editor item \($0)") })
        try setup.groupStories()
        let editorItems = try setup.latestItems(limit: 20).map(\.id).sorted()

        var settings = try Settings.resolve(
            SettingsOverrides(databasePath: path, outputDirectory: directory.appendingPathComponent("Output").path,
                              sourcesPath: root.appendingPathComponent("Feeds/demo/sources.toml").path, demo: true),
            environment: [:])
        settings.templatesDirectory = root.appendingPathComponent("Templates").path
        settings.rulesPath = root.appendingPathComponent("Feeds/tagging.toml").path
        let publishSettings = settings
        let failures = Failures()
        let group = DispatchGroup()

        DispatchQueue.global().async(group: group) {  // the daemon: 20 feeds × 200 new items, grouped as it goes
            do {
                let store = try Store(path: path, busyTimeout: 1)
                for (index, feed) in feeds.enumerated() {
                    let items = (0..<200).map { ParsedItem(id: "\(index)-\($0)", title: "Item \($0) of feed \(index)", summary: String(repeating: "texte ", count: 40)) }
                    _ = try store.upsertItems(sourceID: feed.id, items)
                    if index % 5 == 4 { try store.groupStories(); try store.indexForSearch() }
                }
            } catch { failures.add("ingestion: \(error)") }
        }
        DispatchQueue.global().async(group: group) {  // an editor: merges every item into one story, one by one
            do {
                let store = try Store(path: path, busyTimeout: 1)
                for item in editorItems.dropFirst() {
                    try store.mergeStories(item: editorItems[0], other: item)
                    try store.disableSource("feed-19", reason: "editor test \(item)", at: Date())
                }
            } catch { failures.add("editor: \(error)") }
        }
        DispatchQueue.global().async(group: group) {  // publishing, five times over
            do {
                let environment = try RunEnvironment(settings: publishSettings, store: try Store(path: path, busyTimeout: 1), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
                for _ in 0..<5 { _ = try PublicationRun(environment: environment).execute(.publishOnly) }
            } catch { failures.add("publish: \(error)") }
        }
        #expect(group.wait(timeout: .now() + 120) == .success)
        #expect(failures.all.isEmpty, "\(failures.all)")

        let store = try Store(path: path)
        #expect(try store.counts().items == 20 + 20 * 200, "every item of the ingestion landed")
        #expect(try store.storyMembers(of: editorItems[0]).map(\.itemID) == editorItems, "every merge landed")
        #expect(try store.sourceStates()["feed-19"]?.disabledReason == "editor test \(editorItems.last!)")
        #expect(try store.check().isEmpty)
        try? FileManager.default.removeItem(at: directory)
    }
}
