import ArgumentParser
import FeedParsing
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Measurement entry points for scripts/bench/*: each prints one JSON object of figures.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure a stage on given inputs (used by scripts/bench).",
        shouldDisplay: false, subcommands: [ParseBench.self, StoreBench.self, TagBench.self, SiteBench.self])
}

struct ParseBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Parse files already read into memory; print bytes, items, seconds and peak memory as JSON.")

    @Argument(help: "Feed files.") var files: [String]
    @Option(name: .customLong("repeat"), help: "Parse the whole set this many times; the best pass is reported.") var passes: Int = 1

    func run() throws {
        let documents = try files.map { (path: $0, data: try Data(contentsOf: URL(fileURLWithPath: $0))) }
        // As the daily run parses: several documents at once, one per core, each on one thread;
        // a single document is read on one thread and translated on another.
        let single = FeedParser(limits: FeedParserLimits(maxDocumentBytes: 64 << 20))
        let several = FeedParser(limits: FeedParserLimits(maxDocumentBytes: 64 << 20, concurrentTranslationBytes: .max))
        var best = Double.infinity
        var items = 0
        var failures = 0
        for _ in 0..<max(1, passes) {
            let counter = ItemCounter()
            let failed = ItemCounter()
            let start = DispatchTime.now().uptimeNanoseconds
            let parse: @Sendable (Int) -> Void = { index in
                do {
                    // Streaming, as a consumer that stores items as they come would: memory
                    // then measures the parser, not a list of every item.
                    _ = try (documents.count == 1 ? single : several)
                        .parse(documents[index].data, url: "file://" + documents[index].path) { _ in counter.increment() }
                } catch {
                    failed.increment()
                }
            }
            if documents.count == 1 { parse(0) } else { DispatchQueue.concurrentPerform(iterations: documents.count, execute: parse) }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            items = counter.value
            failures = failed.value
        }
        let bytes = documents.reduce(0) { $0 + $1.data.count }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let figures: [String: Any] = [
            "files": documents.count, "bytes": bytes, "items": items, "failures": failures, "seconds": best,
            "mb_per_s": Double(bytes) / 1e6 / best, "items_per_s": Double(items) / best, "peak_rss_kb": usage.ru_maxrss,
        ]
        let data = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

private final class ItemCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
