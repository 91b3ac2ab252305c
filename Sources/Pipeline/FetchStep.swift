import FeedParsing
import Fetching
import Foundation
import Logging
import Model
import Storage

/// Fetches the due sources, parses what came back, and stores the items; records every
/// source's outcome on its health row.
struct FetchStep {
    let environment: RunEnvironment
    let sources: [Source]
    let force: Bool
    /// Set by the daemon: a shutdown abandons the transfers still running, and stores the rest.
    var shouldStop: @Sendable () -> Bool = { false }

    func run(into summary: inout RunSummary, now: Date) throws {
        let store = environment.store
        try store.syncSources(sources)
        let states = try store.sourceStates()
        let active = sources.filter { $0.enabled && states[$0.id]?.disabledReason == nil }
        let due = active.filter { source in
            // A forced round polls everything, but never before a server's Retry-After.
            force ? (states[source.id]?.notBefore.map { $0 <= now } ?? true) : Schedule.isDue(source, state: states[source.id], now: now)
        }
        summary.feedsSkipped = active.count - due.count
        // Advisory collections list documents, each fetched and checked on its own.
        for source in due where source.kind.isAdvisoryCollection && !shouldStop() {
            try AdvisoryCollectionFetch(environment: environment, source: source, state: states[source.id])
                .run(into: &summary, now: now)
        }
        let feeds = due.filter { !$0.kind.isAdvisoryCollection }
        let requests = feeds.map {
            FetchRequest(sourceID: $0.id, url: states[$0.id]?.fetchURL ?? $0.url, etag: states[$0.id]?.etag,
                         lastModified: states[$0.id]?.lastModified, allowFile: $0.local)
        }
        let responses = Fetcher(configuration: environment.fetcherConfiguration).fetch(requests, shouldStop: shouldStop)
        let received = zip(feeds, responses).filter { $0.1.outcome != .interrupted }
        // Documents are parsed a batch at a time on every core (each on one thread), and stored
        // one after the other, since the database has one writer: the next batch is parsed while
        // one is stored.
        let parser = FeedParser(limits: FeedParserLimits(concurrentTranslationBytes: .max))
        let batches = stride(from: 0, to: received.count, by: Self.parseBatch).map {
            Array(received[$0..<min($0 + Self.parseBatch, received.count)])
        }
        forEachPipelined(batches: batches.count, produce: { number in
            batches[number].concurrentMap { _, response -> Result<ParsedFeed, Error>? in
                guard response.outcome == .ok, response.botWall == nil else { return nil }
                return Result { try parser.parse(response.body, url: response.effectiveURL, contentType: response.contentType) }
            }
        }, consume: { number, parsed in
            // A 304 writes only its health row: a batch's are written together.
            var confirmed: [(sourceID: String, record: FetchRecord)] = []
            defer {
                do {
                    try environment.store.recordFetches(confirmed)
                } catch {
                    environment.logger.error("feed health not stored", metadata: ["error": "\(error)"])
                }
            }
            for (index, (source, response)) in batches[number].enumerated() {
                do {
                    try record(response, parsed: parsed[index], of: source, state: states[source.id], into: &summary,
                               confirmed: &confirmed, now: now)
                } catch {
                    // A database error on one feed is that feed's failure: the others, and the
                    // publication, go on.
                    summary.feedsFailed += 1
                    summary.failures.append(.init(sourceID: source.id, message: "\(error)"))
                    environment.logger.error("feed not stored", metadata: ["source": "\(source.id)", "error": "\(error)"])
                }
            }
        })
    }

    private static let parseBatch = 16

    private func record(_ response: FetchResponse, parsed: Result<ParsedFeed, Error>?, of source: Source, state: SourceState?,
                        into summary: inout RunSummary, confirmed: inout [(sourceID: String, record: FetchRecord)],
                        now: Date) throws {
        let store = environment.store
        let failures = (state?.consecutiveFailures ?? 0) + 1
        func poll(_ outcome: String) {
            summary.polls.append(.init(outcome: outcome, bytes: response.body.count, seconds: response.seconds))
        }
        switch response.outcome {
        case .interrupted: break
        case .notModified: poll("not_modified")
        case .httpError(let code): poll(response.botWall != nil ? "bot_wall" : "http_\(code / 100)xx")
        case .transportError: poll("transport")
        case .ok where response.botWall != nil: poll("bot_wall")
        case .ok:
            if case .failure? = parsed { poll("parse") } else if parsed == nil { poll("parse") } else { poll("ok") }
        }
        func fail(_ message: String) throws {
            summary.feedsFailed += 1
            summary.failures.append(.init(sourceID: source.id, message: message))
            try notePermanentRedirect(good: false)
            environment.logger.warning("feed failed", metadata: ["source": "\(source.id)", "url": "\(source.url)", "error": "\(LogText.escaped(message))"])
            let retryAfter = response.retryAfter.flatMap { Schedule.retryAfterSeconds($0, now: now) }.map { now.addingTimeInterval(min($0, 7 * 86_400)) }
            try store.recordFetch(sourceID: source.id, FetchRecord(
                at: now, status: response.summary, result: .failure(message),
                nextDueAt: Schedule.nextAfterFailure(source, failures: failures, retryAfter: response.retryAfter, now: now),
                notBefore: retryAfter))
        }
        /// Counts the poll's permanent redirect once the poll is known good (a document read, or
        /// a 304); any other outcome breaks the run of consecutive polls.
        func notePermanentRedirect(good: Bool) throws {
            let target = good ? response.permanentRedirect : nil
            guard target != nil || state?.movedTo != nil else { return }  // nothing to count, nothing to reset
            if try store.recordPermanentRedirect(sourceID: source.id, to: target) {
                environment.logger.warning("feed moved permanently: now polled at its new URL; update the sources file", metadata: [
                    "source": "\(source.id)", "from": "\(response.request.url)", "to": "\(LogText.escaped(response.permanentRedirect ?? ""))"])
            }
        }
        switch response.outcome {
        case .notModified:
            try notePermanentRedirect(good: true)
            summary.feedsOK += 1
            confirmed.append((source.id, FetchRecord(
                at: now, status: response.summary, result: .notModified,
                nextDueAt: Schedule.nextAfterSuccess(source, now: now, serverMaxAge: response.maxAge))))
        case .httpError(410):
            // The server says the feed is gone for good: stop asking, and say so until an editor
            // enables it again (`cyberveille feeds enable ID`).
            try fail(response.summary)
            try store.disableSource(source.id, reason: "HTTP 410 Gone from \(response.effectiveURL)", at: now)
            environment.logger.warning("feed disabled", metadata: ["source": "\(source.id)", "reason": "HTTP 410 Gone"])
        case .httpError, .transportError:
            try fail(response.botWall.map { "\(response.summary): \($0)" } ?? response.summary)
        case .interrupted:
            return  // nothing is known: the next round asks again
        case .ok where response.botWall != nil:
            try fail("the server answered with \(response.botWall ?? "a challenge") instead of the feed")
        case .ok:
            let feed: ParsedFeed
            switch parsed {
            case .success(let document)?:
                feed = document
            case .failure(let error)?:
                try fail("parse error: \(error)")
                return
            case nil:
                try fail("the document was not parsed")
                return
            }
            if !source.kind.accepts(feed.format) {
                environment.logger.notice("feed format differs from its declared kind", metadata: [
                    "source": "\(source.id)", "kind": "\(source.kind.rawValue)", "format": "\(feed.format.rawValue)"])
            }
            try notePermanentRedirect(good: true)
            let result = try store.upsertItems(sourceID: source.id, feed.items, at: now)
            if feed.format == .kev {
                // A KEV catalog source also flags the CVEs of every stored item.
                let entries = feed.items.compactMap { $0.advisory?.knownExploited }
                try store.replaceKnownExploited(entries, state: EnrichmentState(
                    origin: response.effectiveURL, etag: response.etag, lastModified: response.lastModified, digest: nil,
                    entries: entries.count, updatedAt: now))
            }
            summary.feedsOK += 1
            summary.itemsNew += result.newItemIDs.count
            summary.itemsUpdated += result.updatedItemIDs.count
            environment.logger.info("feed read", metadata: [
                "source": "\(source.id)", "items": "\(feed.items.count)", "new": "\(result.newItemIDs.count)",
                "updated": "\(result.updatedItemIDs.count)", "recovered": "\(feed.recovered)",
            ])
            var status = response.summary
            if feed.items.isEmpty { status += ", an empty feed (no items)" }
            if feed.recovered { status += " (ill-formed XML, recovered)" }
            try store.recordFetch(sourceID: source.id, FetchRecord(
                at: now, status: status,
                result: .success(etag: response.etag, lastModified: response.lastModified),
                nextDueAt: Schedule.nextAfterSuccess(
                    source, now: now, serverMaxAge: response.maxAge, feedTTL: feed.ttlSeconds,
                    publishingGap: Schedule.publishingGap(feed.items.compactMap { $0.published ?? $0.updated }))))
        }
    }
}
