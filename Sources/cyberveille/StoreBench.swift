import ArgumentParser
import Foundation
import Model
import Storage

#if canImport(Glibc)
import Glibc
#endif

/// `cyberveille bench store`: ingest N generated items into a fresh database through the store's
/// own path (upsert by identity and content hash, revisions, full-text index), ingest them again
/// unchanged, then again with one item of each feed revised, group them into stories, then time
/// searches. Prints one JSON object.
struct StoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Ingest generated items; print insert and re-ingest items/s, search latency, peak memory.")

    @Option(help: "Items to generate.") var items = 1_000_000
    @Option(help: "Items per feed (one upsert transaction each).") var perFeed = 500
    @Option(help: "Database to create (must not exist).") var db: String
    @Option(help: "Also write the generated items as TSV (source, guid, link, title, summary), and the queries to PATH.queries, for a peer.")
    var emit: String?
    @Option(help: "Search queries to time.") var queries = 500
    @Flag(inversion: .prefixedNo, help: "Also group the items into stories (timed apart).") var stories = true

    func run() throws {
        guard !FileManager.default.fileExists(atPath: db) else { throw ValidationError("\(db) exists") }
        let store = try Store(path: db)
        let feeds = (items + perFeed - 1) / perFeed
        try store.syncSources((0..<feeds).map { Source(id: "feed-\($0)", title: "Feed \($0)", url: "https://feed\($0).example/rss") })
        let generator = BenchItems()
        let emitter = try emit.map { path -> FileHandle in
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        }
        func batches(_ body: (String, [ParsedItem]) throws -> Void) rethrows {
            for feed in 0..<feeds {
                let range = feed * perFeed..<min(items, (feed + 1) * perFeed)
                try body("feed-\(feed)", range.map(generator.item))
            }
        }
        // Generation is not what is measured: items are made before each timed pass, per feed.
        var generated: [(String, [ParsedItem])] = []
        batches { source, batch in
            generated.append((source, batch))
            if let emitter {
                emitter.write(Data(batch.map { "\(source)\t\($0.id!)\t\($0.link!)\t\($0.title!)\t\($0.summary!)\n" }.joined().utf8))
            }
        }
        try emitter?.close()
        if let emit {
            try (0..<queries).map { generator.query($0) + "\n" }.joined()
                .write(toFile: emit + ".queries", atomically: true, encoding: .utf8)
        }
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        // The generated items are the bench's own memory: the store's is what the peak adds to it.
        var beforeIngest = rusage()
        getrusage(RUSAGE_SELF.rawValue, &beforeIngest)

        var clock = DispatchTime.now().uptimeNanoseconds
        func lap() -> Double {
            let next = DispatchTime.now().uptimeNanoseconds
            defer { clock = next }
            return Double(next - clock) / 1e9
        }
        var inserted = 0
        for (source, batch) in generated { inserted += try store.upsertItems(sourceID: source, batch, at: now).newItemIDs.count }
        let insertSeconds = lap()
        let indexed = try store.indexForSearch()
        let indexSeconds = lap()
        var unchanged = 0
        for (source, batch) in generated { unchanged += try store.upsertItems(sourceID: source, batch, at: now).unchanged }
        let reingestSeconds = lap()
        // Real feeds often change a little: one item of each feed revised, the others looked up one by one.
        var revised = 0, unchangedBeside = 0
        for (source, batch) in generated {
            var batch = batch  // one batch copied at a time, not the whole corpus
            if !batch.isEmpty { batch[0].title = (batch[0].title ?? "") + " (mis à jour)" }
            let result = try store.upsertItems(sourceID: source, batch, at: now)
            revised += result.updatedItemIDs.count
            unchangedBeside += result.unchanged
        }
        let revisedSeconds = lap()
        let grouping = stories ? try store.groupStories(now: now) : StoryGrouping()
        let storySeconds = lap()

        var latencies: [Double] = []
        var hits = 0
        for index in 0..<queries {
            let query = generator.query(index)
            let start = DispatchTime.now().uptimeNanoseconds
            hits += try store.search(query, limit: 20).count
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }

        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let size = (try? FileManager.default.attributesOfItem(atPath: db)[.size] as? Int) ?? 0
        let figures: [String: Any] = [
            "items": items, "inserted": inserted, "unchanged": unchanged,
            "insert_seconds": insertSeconds, "insert_items_per_s": Double(inserted) / insertSeconds,
            "index_seconds": indexSeconds, "index_items_per_s": Double(indexed) / indexSeconds,
            "insert_and_index_items_per_s": Double(inserted) / (insertSeconds + indexSeconds),
            "reingest_seconds": reingestSeconds, "reingest_items_per_s": Double(unchanged) / reingestSeconds,
            "revised_pass_seconds": revisedSeconds, "revised_pass_items_per_s": Double(revised + unchangedBeside) / revisedSeconds,
            "revised_pass_updated": revised, "revised_pass_unchanged": unchangedBeside,
            "stories": grouping.started, "story_seconds": storySeconds, "story_items_per_s": Double(items) / storySeconds,
            "queries": queries, "search_hits": hits, "search_p50_ms": percentile(0.5), "search_p99_ms": percentile(0.99),
            "peak_rss_kb": usage.ru_maxrss, "generated_items_rss_kb": beforeIngest.ru_maxrss, "db_bytes": size,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
    }
}

/// Deterministic items that read like a threat watch: headlines and summaries drawn from a
/// French and English vocabulary (a few words common, most rare, as in real text), unique links.
struct BenchItems {
    private static let common = [
        "vulnérabilité", "vulnerability", "ransomware", "rançongiciel", "attack", "attaque", "hôpital", "hospital", "patch",
        "données", "data", "breach", "fuite", "exploit", "security", "sécurité", "update", "mise", "jour", "critical",
    ]
    private let vocabulary: [String]

    init() {
        // 20,000 made-up but pronounceable words: rare terms (product names, places) of real feeds.
        let syllables = ["ka", "lo", "mi", "ne", "ra", "to", "vu", "se", "di", "pa", "ze", "ri", "no", "fa", "gu", "be"]
        var words: [String] = []
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = 2 + Int(state >> 62)
            words.append((0..<length).map { syllables[Int((state >> (8 + 4 * UInt64($0))) & 15)] }.joined())
        }
        vocabulary = words
    }

    private func words(_ seed: Int, _ count: Int) -> String {
        var state = UInt64(seed) &* 0x9e37_79b9_7f4a_7c15 &+ 0xd1b5_4a32_d192_ed03
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let pick = Int(state >> 33)
            // One word in four from the common list, the rest spread over the vocabulary.
            return pick % 4 == 0 ? Self.common[pick % Self.common.count] : vocabulary[pick % vocabulary.count]
        }.joined(separator: " ")
    }

    func item(_ index: Int) -> ParsedItem {
        ParsedItem(id: "urn:bench:\(index)", title: words(index * 2, 8).capitalized,
                   link: "https://news.example/\(index / 1000)/\(index)", summary: words(index * 2 + 1, 30) + ".")
    }

    /// A reader's query: a common word with a rare one, or one rare word.
    func query(_ index: Int) -> String {
        let rare = vocabulary[(index * 7919) % vocabulary.count]
        return index % 2 == 0 ? "\(Self.common[index % Self.common.count]) \(rare)" : rare
    }
}
