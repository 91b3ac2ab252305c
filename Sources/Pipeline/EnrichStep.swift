import Fetching
import Foundation
import Model
import Storage
import Tagging

/// Loads the KEV catalog and the EPSS scores, when configured and changed since last loaded:
/// a URL is fetched with its validators (a 304 costs nothing), a path is read and compared by
/// digest. A failure is logged and the previous version kept: enrichment never stops a run.
struct EnrichStep {
    let environment: RunEnvironment

    /// Returns whether a new version of either file was loaded (the site's badges may change).
    @discardableResult
    func run(now: Date) -> Bool {
        let settings = environment.settings
        var loaded = false
        if let origin = settings.kevCatalog {
            loaded = refresh(name: "kev", origin: origin, now: now) { data, state in
                let entries = try KEVCatalog.parse(data, origin: origin)
                try environment.store.replaceKnownExploited(entries, state: with(state, entries: entries.count))
                return entries.count
            }
        }
        if let origin = settings.epssScores {
            loaded = refresh(name: "epss", origin: origin, now: now) { data, state in
                let scores = try EPSSFile.parse(data, origin: origin)
                try environment.store.replaceEPSS(scores, state: with(state, entries: scores.count))
                return scores.count
            } || loaded
        }
        return loaded
    }

    private func with(_ state: EnrichmentState, entries: Int) -> EnrichmentState {
        var state = state
        state.entries = entries
        return state
    }

    private func refresh(name: String, origin: String, now: Date, load: (Data, EnrichmentState) throws -> Int) -> Bool {
        do {
            let previous = try environment.store.enrichmentState(name).flatMap { $0.origin == origin ? $0 : nil }
            var state = EnrichmentState(origin: origin, etag: nil, lastModified: nil, digest: nil, entries: 0, updatedAt: now)
            let data: Data
            if origin.hasPrefix("http://") || origin.hasPrefix("https://") {
                let request = FetchRequest(sourceID: name, url: origin, etag: previous?.etag, lastModified: previous?.lastModified)
                guard let response = Fetcher(configuration: environment.fetcherConfiguration).fetch([request]).first else { return false }
                switch response.outcome {
                case .notModified: return false
                case .ok: break
                default: throw EnrichmentError("\(origin): \(response.summary)")
                }
                data = response.body
                state.etag = response.etag
                state.lastModified = response.lastModified
            } else {
                data = try Data(contentsOf: URL(fileURLWithPath: origin))
            }
            var hasher = StableHash.Hasher()
            hasher.combine(bytes: data)
            state.digest = hasher.hex
            guard state.digest != previous?.digest else { return false }
            let count = try load(data, state)
            environment.logger.info("enrichment loaded", metadata: ["name": "\(name)", "origin": "\(origin)", "entries": "\(count)"])
            return true
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
            environment.logger.error("enrichment not loaded", metadata: ["name": "\(name)", "error": "\(origin): no such file"])
        } catch {
            environment.logger.error("enrichment not loaded", metadata: ["name": "\(name)", "error": "\(error)"])
        }
        return false
    }
}
