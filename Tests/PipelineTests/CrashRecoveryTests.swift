import Foundation
import Model
import Storage
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let realWorldFeeds = SharedCorpus.url("realworld/feeds")

/// The `cyberveille` executable built beside this test bundle.
private func executable() throws -> URL {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("cyberveille") }
    return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                        "build the executable first (swift build --build-tests builds it)")
}

/// A sources file of local feeds: the demo feeds and the real-world corpus, about 900 items
/// (of which retention purges the old ones that are not about health).
private func writeSources(in directory: URL) throws -> URL {
    var text = ""
    let demo = root.appendingPathComponent("Feeds/demo")
    let files = try FileManager.default.contentsOfDirectory(atPath: demo.path).filter { $0.hasSuffix(".xml") }
        .map { demo.appendingPathComponent($0) }
        + (try FileManager.default.contentsOfDirectory(atPath: realWorldFeeds.path)).filter { $0.hasSuffix(".xml") }
        .map { realWorldFeeds.appendingPathComponent($0) }
    for (index, file) in files.sorted(by: { $0.path < $1.path }).enumerated() {
        text += "[[source]]\nid = \"feed-\(index)\"\ntitle = \"Feed \(index)\"\nurl = \"\(file.path)\"\nkind = \"rss\"\nlocal = true\n\n"
    }
    let path = directory.appendingPathComponent("sources.toml")
    try text.write(to: path, atomically: true, encoding: .utf8)
    return path
}

private struct Launched {
    let process: Process
    let stderr: Pipe
}

private func launch(_ arguments: [String], in directory: URL) throws -> Launched {
    let process = Process()
    process.executableURL = try executable()
    process.arguments = arguments
    process.currentDirectoryURL = root
    var environment = ProcessInfo.processInfo.environment
    environment["CYBERVEILLE_CONFIG"] = nil
    process.environment = environment
    let stderr = Pipe()
    process.standardError = stderr
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    return Launched(process: process, stderr: stderr)
}

@discardableResult
private func runToEnd(_ arguments: [String], in directory: URL) throws -> (status: Int32, stderr: String) {
    let launched = try launch(arguments, in: directory)
    let errors = launched.stderr.fileHandleForReading.readDataToEndOfFile()
    launched.process.waitUntilExit()
    return (launched.process.terminationStatus, String(decoding: errors, as: UTF8.self))
}

/// What a run leaves that must not depend on being interrupted: every item (by source and
/// identity) with its text, tags and CVEs, and which items tell one story.
private func snapshot(_ databasePath: String) throws -> (items: [String], stories: Set<Set<String>>, tombstones: Int) {
    let store = try Store(path: databasePath)
    let items = try store.latestItems(limit: 1_000_000)
    let rows = items.map { "\($0.stableKey) \($0.title) \($0.health) \($0.tags.map(\.ruleID).sorted()) \($0.cves)" }.sorted()
    var stories = Set<Set<String>>()
    for item in items {
        let keys = Set(try store.storyMembers(of: item.id).map { member in items.first { $0.id == member.itemID }!.stableKey })
        stories.insert(keys)
    }
    return (rows, stories, try store.counts().tombstones)
}

@Suite(.serialized) struct CrashRecoveryTests {
    /// SIGKILL at many points of a run (fetch, parse, store, tag, stories, purge, publish): after each
    /// kill the database passes `db check` and holds no duplicate, and the site in place is a whole
    /// one; a final run converges to exactly what an uninterrupted run stores.
    @Test(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing))) func killedRunsLeaveAConsistentDatabaseThatConverges() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sources = try writeSources(in: directory).path
        func arguments(_ command: [String], database: String) -> [String] {
            command + ["--db", directory.appendingPathComponent(database).path, "--sources", sources,
                       "--output", directory.appendingPathComponent("Output-" + database).path]
        }

        let started = Date()
        let reference = try runToEnd(arguments(["run"], database: "reference.sqlite"), in: directory)
        #expect(reference.status == 0, "\(reference.stderr)")
        let duration = Date().timeIntervalSince(started)

        let kills = 12
        var interrupted = 0
        for kill in 0..<kills {
            let launched = try launch(arguments(["run"], database: "crashed.sqlite"), in: directory)
            // Spread over the run, later kills reaching further as earlier ones stored more. Over
            // three quarters of the reference's duration: a run that resumes has less left to do,
            // and the last kills would otherwise often land after it ended.
            Thread.sleep(forTimeInterval: 0.75 * duration * (Double(kill) + 0.5) / Double(kills))
            Glibc.kill(launched.process.processIdentifier, SIGKILL)
            launched.process.waitUntilExit()
            if launched.process.terminationReason == .uncaughtSignal { interrupted += 1 }
            let check = try runToEnd(["db", "check", "--db", directory.appendingPathComponent("crashed.sqlite").path], in: directory)
            #expect(check.status == 0, "after kill \(kill): \(check.stderr)")
            // The site being served is always a whole one: the previous, or the new.
            let site = directory.appendingPathComponent("Output-crashed.sqlite")
            if FileManager.default.fileExists(atPath: site.path) {
                #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("index.html").path), "after kill \(kill)")
                #expect(try SiteFiles.brokenInternalLinks(in: site).isEmpty, "after kill \(kill): half a site")
            }
        }
        #expect(interrupted >= kills / 2, "most kills must land during a run")
        let final = try runToEnd(arguments(["run"], database: "crashed.sqlite"), in: directory)
        #expect(final.status == 0, "\(final.stderr)")

        let expected = try snapshot(directory.appendingPathComponent("reference.sqlite").path)
        let recovered = try snapshot(directory.appendingPathComponent("crashed.sqlite").path)
        #expect(expected.items.count > 150)
        #expect(expected.tombstones > 500)
        #expect(recovered.items == expected.items)
        #expect(recovered.tombstones == expected.tombstones)
        #expect(recovered.stories == expected.stories)
        #expect(try Store(path: directory.appendingPathComponent("crashed.sqlite").path).check().isEmpty)
        try? FileManager.default.removeItem(at: directory)
    }
}
