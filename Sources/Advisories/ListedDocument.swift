import Foundation

/// One document a listing names.
public struct ListedDocument: Sendable, Equatable {
    /// Absolute URL of the document.
    public var url: String
    /// When the listing says it last changed (changes.csv, ROLIE `updated`); nil when the listing
    /// does not say (index.txt): such a document is read once, then again only if its URL changes.
    public var changed: String?
    /// Hash and signature files the listing names; else they are looked for beside the document.
    public var hashURL: String?
    public var signatureURL: String?

    public init(url: String, changed: String? = nil, hashURL: String? = nil, signatureURL: String? = nil) {
        self.url = url
        self.changed = changed
        self.hashURL = hashURL
        self.signatureURL = signatureURL
    }
}

/// Why a listing could not be read; names the listing.
public struct ListingError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The listings of CSAF 2.0 (sections 7.1.2–7.1.23 of the standard) and their kin.
public enum DocumentListing {
    /// `changes.csv`: lines `"2024/icsma-24-254-01.json","2024-09-10T16:00:00Z"`, paths relative
    /// to the directory of the file.
    public static func changesCSV(_ data: Data, url: String) throws -> [ListedDocument] {
        var documents: [ListedDocument] = []
        for (index, rawLine) in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).enumerated() {
            let fields = csvFields(String(rawLine))
            guard fields.count >= 2, !fields[0].isEmpty, !fields[1].isEmpty else {
                throw ListingError("\(url):\(index + 1): expected \"path\",\"time\"")
            }
            guard let document = resolve(fields[0], against: url) else {
                throw ListingError("\(url):\(index + 1): \"\(fields[0].prefix(80))\" is not a path under the directory")
            }
            documents.append(ListedDocument(url: document, changed: fields[1]))
        }
        return deduplicated(documents)
    }

    /// `index.txt`: one relative path per line.
    public static func indexTXT(_ data: Data, url: String) throws -> [ListedDocument] {
        var documents: [ListedDocument] = []
        for (index, rawLine) in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).enumerated() {
            let path = rawLine.trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { continue }
            guard let document = resolve(path, against: url) else {
                throw ListingError("\(url):\(index + 1): \"\(path.prefix(80))\" is not a path under the directory")
            }
            documents.append(ListedDocument(url: document))
        }
        return deduplicated(documents)
    }

    /// A ROLIE feed (CSAF 7.1.20): `feed.entry[]` with `content.src`, `updated`, and links of
    /// rel `hash` and `signature`.
    public static func rolieFeed(_ data: Data, url: String) throws -> [ListedDocument] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let feed = root["feed"] as? [String: Any] else {
            throw ListingError("\(url): not a ROLIE feed (no \"feed\" object)")
        }
        let entries = (feed["entry"] as? [[String: Any]]) ?? []
        return deduplicated(entries.compactMap { entry in
            let links = (entry["link"] as? [[String: Any]]) ?? []
            func link(_ rel: String) -> String? {
                links.first { ($0["rel"] as? String) == rel }.flatMap { $0["href"] as? String }.flatMap { resolve($0, against: url) }
            }
            let source = ((entry["content"] as? [String: Any])?["src"] as? String).flatMap { resolve($0, against: url) } ?? link("self")
            guard let source else { return nil }
            let hash = links.filter { ($0["rel"] as? String) == "hash" }.compactMap { $0["href"] as? String }
            return ListedDocument(url: source, changed: entry["updated"] as? String,
                                  hashURL: (hash.first { $0.hasSuffix(".sha512") } ?? hash.first).flatMap { resolve($0, against: url) },
                                  signatureURL: link("signature"))
        })
    }

    /// A provider's `provider-metadata.json` (CSAF 7.1.20): where its documents are listed, and
    /// the OpenPGP keys it signs them with.
    public struct ProviderMetadata: Sendable, Equatable {
        /// Directories (each with changes.csv and index.txt) and ROLIE feeds, absolute.
        public var directories: [String]
        public var rolieFeeds: [String]
        public var keys: [(url: String, fingerprint: String?)]

        public static func == (a: ProviderMetadata, b: ProviderMetadata) -> Bool {
            a.directories == b.directories && a.rolieFeeds == b.rolieFeeds
                && a.keys.map(\.url) == b.keys.map(\.url) && a.keys.map(\.fingerprint) == b.keys.map(\.fingerprint)
        }
    }

    public static func providerMetadata(_ data: Data, url: String) throws -> ProviderMetadata {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ListingError("\(url): provider metadata is not a JSON object")
        }
        guard root["canonical_url"] is String, root["publisher"] is [String: Any] else {
            throw ListingError("\(url): not a CSAF provider-metadata.json (no canonical_url or publisher)")
        }
        let distributions = (root["distributions"] as? [[String: Any]]) ?? []
        let directories = distributions.compactMap { $0["directory_url"] as? String }
            .compactMap { resolve(directoryURL($0), against: url, confined: false) }
        let feeds = distributions.compactMap { $0["rolie"] as? [String: Any] }
            .flatMap { ($0["feeds"] as? [[String: Any]]) ?? [] }
            .compactMap { $0["url"] as? String }.compactMap { resolve($0, against: url, confined: false) }
        let keys = ((root["public_openpgp_keys"] as? [[String: Any]]) ?? []).compactMap { key -> (String, String?)? in
            guard let keyURL = (key["url"] as? String).flatMap({ resolve($0, against: url, confined: false) }) else { return nil }
            return (keyURL, key["fingerprint"] as? String)
        }
        guard !directories.isEmpty || !feeds.isEmpty else {
            throw ListingError("\(url): the provider lists no distribution (no directory_url, no ROLIE feed)")
        }
        return ProviderMetadata(directories: directories, rolieFeeds: feeds, keys: keys)
    }

    /// A local directory without a listing: every JSON document under it, the file's size and
    /// modification time standing for its version.
    public static func walk(directory: URL) throws -> [ListedDocument] {
        guard let enumerator = FileManager.default.enumerator(
            at: directory, includingPropertiesForKeys: [.contentModificationDateKey, .fileSizeKey, .isRegularFileKey],
            options: [.skipsHiddenFiles]) else {
            throw ListingError("\(directory.path): cannot list the directory")
        }
        var documents: [ListedDocument] = []
        for case let file as URL in enumerator where file.pathExtension == "json" {
            let name = file.lastPathComponent
            guard name != "provider-metadata.json", !name.hasSuffix("-feed.json"), name != "service.json" else { continue }
            let values = try? file.resourceValues(forKeys: [.contentModificationDateKey, .fileSizeKey, .isRegularFileKey])
            guard values?.isRegularFile == true else { continue }
            let stamp = (values?.contentModificationDate?.timeIntervalSince1970).map { String(Int64($0)) } ?? "0"
            documents.append(ListedDocument(url: file.standardizedFileURL.absoluteString, changed: "\(stamp):\(values?.fileSize ?? 0)"))
        }
        return documents.sorted { $0.url < $1.url }
    }

    /// "https://x/csaf/white/" from "https://x/csaf/white" (a directory URL names a directory).
    static func directoryURL(_ url: String) -> String { url.hasSuffix("/") ? url : url + "/" }

    /// A path of a listing resolved against the listing's URL; paths that climb out of the
    /// listing's tree (`..`) or switch scheme are refused: a listing only names its own documents.
    /// `confined` (changes.csv, index.txt, ROLIE entries): the document must be on the listing's
    /// host and under the listing's folder. A provider's metadata may point elsewhere (its feeds
    /// are often on another host), but only to http(s) — and the fetcher still refuses private
    /// addresses.
    static func resolve(_ path: String, against base: String, confined: Bool = true) -> String? {
        let decoded = path.removingPercentEncoding ?? path
        guard !decoded.split(separator: "/").contains(".."), !decoded.contains("\\"),
              !decoded.contains(where: { $0.isNewline || $0 == "\t" }),
              let baseURL = URL(string: base), let resolved = URL(string: path, relativeTo: baseURL)?.absoluteURL.standardized,
              let scheme = resolved.scheme?.lowercased(), let baseScheme = baseURL.scheme?.lowercased() else { return nil }
        if confined {
            let folder = baseURL.deletingLastPathComponent().path
            guard scheme == baseScheme, resolved.host?.lowercased() == baseURL.host?.lowercased(), resolved.port == baseURL.port,
                  resolved.path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") else { return nil }
        } else {
            guard baseScheme == "file" ? scheme == "file" : (scheme == "http" || scheme == "https") else { return nil }
        }
        guard ["http", "https", "file"].contains(scheme) else { return nil }
        return resolved.absoluteString
    }

    private static func csvFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            switch character {
            case "\"" where quoted:
                quoted = false
            case "\"" where current.isEmpty:
                quoted = true
            case "," where !quoted:
                fields.append(current)
                current = ""
            default:
                current.append(character)
            }
        }
        fields.append(current)
        return fields.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The last mention of a document wins (changes.csv lists newest first; keep the first).
    private static func deduplicated(_ documents: [ListedDocument]) -> [ListedDocument] {
        var seen = Set<String>()
        return documents.filter { seen.insert($0.url).inserted }
    }
}
