import Advisories
import FeedParsing
import Fetching
import Foundation
import Logging
import Model
import Storage

/// One round of an advisory-collection source (kind `csaf` or `certfr`): read its listing, fetch
/// the documents that are new or changed since the last round with the hash and signature files
/// beside them, check them, read them, and store each document's item in its own transaction.
///
/// A document that fails a check or does not validate is refused, recorded with its error on
/// the source's health and in the run summary, and retried only when the listing says it
/// changed; the rest of the batch goes on. A document that could not be fetched is retried next
/// round.
struct AdvisoryCollectionFetch {
    let environment: RunEnvironment
    let source: Source
    let state: SourceState?
    /// Politeness: at most this many documents a round; the rest come in the next rounds.
    var maxDocumentsPerRound = 2000

    private var store: Store { environment.store }

    func run(into summary: inout RunSummary, now: Date) throws {
        let listing: CollectionListing
        do {
            listing = try readListing()
        } catch {
            summary.feedsFailed += 1
            summary.failures.append(.init(sourceID: source.id, message: "\(error)"))
            environment.logger.warning("advisory listing failed", metadata: ["source": "\(source.id)", "error": "\(LogText.escaped("\(error)"))"])
            try store.recordFetch(sourceID: source.id, FetchRecord(
                at: now, status: "listing failed", result: .failure("\(error)"),
                nextDueAt: Schedule.nextAfterFailure(source, failures: (state?.consecutiveFailures ?? 0) + 1, retryAfter: nil, now: now)))
            return
        }
        if listing.notModified {
            summary.feedsOK += 1
            summary.polls.append(.init(outcome: "not_modified", bytes: 0, seconds: 0))
            try store.recordFetch(sourceID: source.id, FetchRecord(
                at: now, status: "listing not modified", result: .notModified, nextDueAt: Schedule.nextAfterSuccess(source, now: now)))
            return
        }
        let known = try store.advisoryDocuments(sourceID: source.id)
        let changed = listing.documents.filter { document in
            guard let previous = known[document.url] else { return true }
            return document.changed.map { $0 != previous.version } ?? false
        }
        let batch = Array(changed.prefix(maxDocumentsPerRound))
        let verifier = DocumentVerifier(keys: listing.keys)
        var stored = 0, refused = 0, unreachable = 0
        var firstProblem: String?
        for start in stride(from: 0, to: batch.count, by: Self.fetchBatch) {
            let slice = Array(batch[start..<min(start + Self.fetchBatch, batch.count)])
            for fetched in fetchDocuments(slice) {
                switch read(fetched, verifier: verifier) {
                case .success(let items):
                    let version = fetched.listed.changed ?? HashFile.hexDigest(fetched.body)
                    let result = try store.storeAdvisoryDocument(
                        sourceID: source.id, AdvisoryDocumentState(location: fetched.listed.url, version: version, state: .stored),
                        items: items, at: now)
                    summary.itemsNew += result.newItemIDs.count
                    summary.itemsUpdated += result.updatedItemIDs.count
                    stored += 1
                case .failure(.unreachable(let message)):
                    unreachable += 1
                    firstProblem = firstProblem ?? "\(Self.name(fetched.listed.url)): \(message)"
                case .failure(.refused(let message)):
                    refused += 1
                    let problem = "\(Self.name(fetched.listed.url)): \(message)"
                    firstProblem = firstProblem ?? problem
                    summary.failures.append(.init(sourceID: source.id, message: problem))
                    environment.logger.warning("advisory refused", metadata: [
                        "source": "\(source.id)", "document": "\(LogText.escaped(fetched.listed.url))", "error": "\(LogText.escaped(message))"])
                    try store.recordAdvisoryDocument(sourceID: source.id, AdvisoryDocumentState(
                        location: fetched.listed.url, version: fetched.listed.changed ?? HashFile.hexDigest(fetched.body),
                        state: .refused, error: message), at: now)
                }
            }
        }
        var status = "\(listing.documents.count) listed, \(stored) read"
        if refused > 0 { status += ", \(refused) refused" }
        if unreachable > 0 { status += ", \(unreachable) unreachable (retried next round)" }
        if changed.count > batch.count { status += ", \(changed.count - batch.count) left for the next rounds" }
        if let firstProblem { status += "; first problem: \(firstProblem)" }
        environment.logger.info("advisories read", metadata: ["source": "\(source.id)", "status": "\(status)"])
        summary.feedsOK += 1
        summary.polls.append(.init(outcome: "ok", bytes: 0, seconds: 0))
        try store.recordFetch(sourceID: source.id, FetchRecord(
            at: now, status: status, result: .success(etag: listing.etag, lastModified: listing.lastModified),
            nextDueAt: changed.count > batch.count ? now : Schedule.nextAfterSuccess(source, now: now)))
    }

    private static let fetchBatch = 200

    // MARK: Listing

    struct CollectionListing {
        var documents: [ListedDocument] = []
        var keys: [Data] = []
        var notModified = false
        var etag: String?
        var lastModified: String?
    }

    private func readListing() throws -> CollectionListing {
        var listing = CollectionListing()
        if let path = source.signingKey {
            listing.keys.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        let url = state?.fetchURL ?? source.url
        if let directory = URL(string: url), directory.isFileURL, source.local {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue {
                listing.documents = try localDirectory(directory)
                return listing
            }
        }
        let response = fetch(url, etag: state?.etag, lastModified: state?.lastModified)
        if response.outcome == .notModified {
            listing.notModified = true
            return listing
        }
        guard response.outcome == .ok else { throw ListingError("\(url): \(response.summary)") }
        var direct = true
        listing.documents = try documents(in: response, keys: &listing.keys, direct: &direct)
        // A provider's metadata rarely changes while its ROLIE feeds and directories do: its
        // validators would hide new documents, so only a direct listing is asked conditionally.
        if direct {
            listing.etag = response.etag
            listing.lastModified = response.lastModified
        }
        return listing
    }

    /// The documents a listing document names, whatever kind of listing it is.
    private func documents(in response: FetchResponse, keys: inout [Data], direct: inout Bool) throws -> [ListedDocument] {
        let url = response.effectiveURL
        let path = URL(string: url)?.path ?? url
        if path.hasSuffix("changes.csv") { return try DocumentListing.changesCSV(response.body, url: url) }
        if path.hasSuffix("index.txt") { return try DocumentListing.indexTXT(response.body, url: url) }
        if source.kind == .certfr { return try certfrDocuments(response) }
        let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        if object?["feed"] != nil { return try DocumentListing.rolieFeed(response.body, url: url) }
        if object?["canonical_url"] != nil {
            direct = false
            let provider = try DocumentListing.providerMetadata(response.body, url: url)
            // A key configured for the source is the trust anchor: the metadata's own keys are
            // used only when none is (whoever could change the metadata could change its keys).
            for key in provider.keys where source.signingKey == nil {
                let answer = fetch(key.url)
                guard answer.outcome == .ok else { throw ListingError("\(key.url): the provider's OpenPGP key: \(answer.summary)") }
                keys.append(answer.body)
            }
            var documents: [ListedDocument] = []
            for feed in provider.rolieFeeds {
                let answer = fetch(feed)
                guard answer.outcome == .ok else { throw ListingError("\(feed): \(answer.summary)") }
                documents += try DocumentListing.rolieFeed(answer.body, url: answer.effectiveURL)
            }
            for directory in provider.directories where documents.isEmpty {
                documents += try directoryListing(directory)
            }
            return documents
        }
        if url.hasSuffix("/") {
            direct = false
            return try directoryListing(url)
        }
        throw ListingError("\(url): not a CSAF listing (provider-metadata.json, ROLIE feed, changes.csv or index.txt)")
    }

    /// A directory served over HTTP: changes.csv, else index.txt.
    private func directoryListing(_ directory: String) throws -> [ListedDocument] {
        let changes = fetch(directory + "changes.csv")
        if changes.outcome == .ok { return try DocumentListing.changesCSV(changes.body, url: changes.effectiveURL) }
        let index = fetch(directory + "index.txt")
        if index.outcome == .ok { return try DocumentListing.indexTXT(index.body, url: index.effectiveURL) }
        throw ListingError("\(directory): neither changes.csv (\(changes.summary)) nor index.txt (\(index.summary))")
    }

    /// A local directory: its changes.csv or index.txt when it has one, else every JSON document in it.
    private func localDirectory(_ directory: URL) throws -> [ListedDocument] {
        for (name, read) in [("changes.csv", DocumentListing.changesCSV), ("index.txt", DocumentListing.indexTXT)] {
            let file = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: file.path) {
                return try read(try Data(contentsOf: file), file.absoluteString)
            }
        }
        return try DocumentListing.walk(directory: directory)
    }

    /// CERT-FR's RSS feeds link each page; its JSON document is the page's `json/`.
    private func certfrDocuments(_ response: FetchResponse) throws -> [ListedDocument] {
        let feed = try FeedParser().parse(response.body, url: response.effectiveURL, contentType: response.contentType)
        return feed.items.compactMap { item in
            guard let link = item.link, let url = URL(string: link), url.host?.hasSuffix("cert.ssi.gouv.fr") == true,
                  url.path.contains("CERTFR-") else { return nil }
            let page = link.hasSuffix("/") ? link : link + "/"
            return ListedDocument(url: page + "json/", changed: (item.updated ?? item.published).map(ISO8601UTC.string))
        }
    }

    // MARK: Documents

    struct FetchedDocument {
        var listed: ListedDocument
        var response: FetchResponse
        var sha512: Data?
        var sha256: Data?
        var signature: Data?
        /// A hash or signature file that exists but could not be fetched: the document waits.
        var sidecarProblem: String?
        var body: Data { response.body }
    }

    /// Each document with the files published beside it: `.sha512` (else `.sha256`) and `.asc`.
    private func fetchDocuments(_ documents: [ListedDocument]) -> [FetchedDocument] {
        let fetcher = Fetcher(configuration: environment.fetcherConfiguration)
        let hashes = documents.map { $0.hashURL ?? $0.url + ".sha512" }
        let signatures = documents.map { $0.signatureURL ?? $0.url + ".asc" }
        let urls = documents.map(\.url) + hashes + signatures
        let responses = fetcher.fetch(urls.map(request))
        let count = documents.count
        var fetched = documents.indices.map { index in
            FetchedDocument(listed: documents[index], response: responses[index])
        }
        var needSHA256: [Int] = []
        for index in documents.indices {
            let hash = responses[count + index], signature = responses[2 * count + index]
            if hash.outcome == .ok {
                if hashes[index].hasSuffix(".sha256") { fetched[index].sha256 = hash.body } else { fetched[index].sha512 = hash.body }
            } else if !Self.isAbsent(hash) {
                fetched[index].sidecarProblem = "\(hashes[index]): \(hash.summary)"
            } else if documents[index].hashURL == nil {
                needSHA256.append(index)
            }
            if signature.outcome == .ok {
                fetched[index].signature = signature.body
            } else if !Self.isAbsent(signature) {
                fetched[index].sidecarProblem = "\(signatures[index]): \(signature.summary)"
            }
        }
        if !needSHA256.isEmpty {
            let answers = fetcher.fetch(needSHA256.map { request(documents[$0].url + ".sha256") })
            for (index, answer) in zip(needSHA256, answers) {
                if answer.outcome == .ok {
                    fetched[index].sha256 = answer.body
                } else if !Self.isAbsent(answer) {
                    fetched[index].sidecarProblem = "\(documents[index].url).sha256: \(answer.summary)"
                }
            }
        }
        return fetched
    }

    /// A hash or signature file that does not exist (404, 410, no such local file), as opposed
    /// to one that could not be fetched: a timeout must not pass for "the provider signs nothing".
    static func isAbsent(_ response: FetchResponse) -> Bool {
        switch response.outcome {
        case .httpError(404), .httpError(410): return true
        case .transportError: return response.request.url.lowercased().hasPrefix("file:")
        default: return false
        }
    }

    enum DocumentProblem: Error {
        /// Could not be fetched: nothing is known, the next round asks again.
        case unreachable(String)
        /// Fetched, and failed a check or does not validate.
        case refused(String)
    }

    private func read(_ document: FetchedDocument, verifier: DocumentVerifier) -> Result<[ParsedItem], DocumentProblem> {
        guard document.response.outcome == .ok else { return .failure(.unreachable(document.response.summary)) }
        if let problem = document.sidecarProblem { return .failure(.unreachable(problem)) }
        if document.signature == nil, !verifier.signatures.keys.isEmpty {
            return .failure(.refused("signature: none published beside the document, while the provider signs its documents"))
        }
        let verification: DocumentVerification
        do {
            verification = try verifier.verify(document: document.body, sha512: document.sha512, sha256: document.sha256,
                                               signature: document.signature)
        } catch {
            return .failure(.refused("\(error)"))
        }
        do {
            let feed = try FeedParser().parse(document.body, url: document.response.effectiveURL, contentType: document.response.contentType)
            guard source.kind.accepts(feed.format) else {
                return .failure(.refused("a \(feed.format.rawValue) document where \(source.kind.rawValue) documents are listed"))
            }
            return .success(feed.items.map { item in
                var item = item
                item.advisory?.verification = verification
                return item
            })
        } catch {
            return .failure(.refused("\(error)"))
        }
    }

    private func request(_ url: String) -> FetchRequest {
        FetchRequest(sourceID: source.id, url: url, allowFile: source.local)
    }

    private func fetch(_ url: String, etag: String? = nil, lastModified: String? = nil) -> FetchResponse {
        Fetcher(configuration: environment.fetcherConfiguration)
            .fetch([FetchRequest(sourceID: source.id, url: url, etag: etag, lastModified: lastModified, allowFile: source.local)])[0]
    }

    private static func name(_ url: String) -> String {
        URL(string: url)?.lastPathComponent ?? url
    }
}
