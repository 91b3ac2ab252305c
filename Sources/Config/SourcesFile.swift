import Foundation
import Model

/// The sources file: one `[[source]]` table per feed. See docs/configuration.md.
public enum SourcesFile {
    static let keys: Set<String> = ["id", "title", "url", "kind", "language", "interval", "critical", "homepage", "local", "enabled", "tlp", "signing_key"]

    public static func load(path: String) throws -> [Source] {
        try sources(in: try TOMLFile(path: path))
    }

    /// The sources of a file already read; relative paths are taken from the file's folder.
    static func sources(in file: TOMLFile) throws -> [Source] {
        let path = file.path
        try file.rootEntry.checkKeys(["source", "defaults"])
        let defaults = try file.table("defaults")
        try defaults.checkKeys(["interval", "language"])
        let defaultInterval = try defaults.string("interval").map { try interval($0, entry: defaults) } ?? 3600
        let defaultLanguage = try defaults.string("language")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()

        var sources: [Source] = []
        var seen: [String: Int?] = [:]
        for entry in try file.entries("source") {
            try entry.checkKeys(keys)
            let id = try entry.requiredString("id")
            guard id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
                throw entry.error("source id \"\(id)\" must use only a-z, 0-9 and -")
            }
            if let previous = seen[id] {
                throw entry.error("duplicate source id \"\(id)\"" + (previous.flatMap { $0 }.map { " (first at line \($0))" } ?? ""))
            }
            seen[id] = entry.line
            let kindName = try entry.string("kind") ?? "auto"
            guard let kind = SourceKind(rawValue: kindName) else {
                throw entry.error("source \"\(id)\": unknown kind \"\(kindName)\" (expected \(SourceKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let local = try entry.bool("local") ?? false
            let tlp = try entry.string("tlp").map { $0.lowercased().replacingOccurrences(of: "tlp:", with: "") }
            if let tlp, !Source.tlpMarkings.contains(tlp) {
                throw entry.error("source \"\(id)\": unknown TLP marking \"\(tlp)\" (expected \(Source.tlpMarkings.sorted().joined(separator: ", ")))")
            }
            let url = try resolveURL(try entry.requiredString("url"), local: local, relativeTo: directory, entry: entry, id: id)
            let signingKey = try entry.string("signing_key").map { path in
                path.hasPrefix("/") ? path : directory.appendingPathComponent(path).standardizedFileURL.path
            }
            if let signingKey, !FileManager.default.isReadableFile(atPath: signingKey) {
                throw entry.error("source \"\(id)\": signing_key \"\(signingKey)\" is not a readable file")
            }
            if signingKey != nil, !kind.isAdvisoryCollection {
                throw entry.error("source \"\(id)\": signing_key only applies to kind \"csaf\" or \"certfr\"")
            }
            sources.append(Source(
                id: id,
                title: try entry.string("title") ?? id,
                url: url,
                kind: kind,
                language: try entry.string("language") ?? defaultLanguage,
                interval: try entry.string("interval").map { try interval($0, entry: entry) } ?? defaultInterval,
                critical: try entry.bool("critical") ?? false,
                homepage: try entry.string("homepage"),
                local: local,
                enabled: try entry.bool("enabled") ?? true,
                tlp: tlp,
                signingKey: signingKey))
        }
        return sources
    }

    private static func interval(_ text: String, entry: TOMLEntry) throws -> Int {
        guard let seconds = ConfigDuration.seconds(text) else {
            throw entry.error("interval \"\(text)\" is not a duration such as 30m, 2h or 1d")
        }
        return seconds
    }

    /// Remote sources need an http(s) URL; local ones may give a path relative to the sources file.
    private static func resolveURL(_ raw: String, local: Bool, relativeTo directory: URL, entry: TOMLEntry, id: String) throws -> String {
        let lower = raw.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return raw }
        guard local else {
            throw entry.error("source \"\(id)\": url \"\(raw)\" is not http(s); only sources marked `local = true` may read files")
        }
        if lower.hasPrefix("file://") { return raw }
        let fileURL = raw.hasPrefix("/") ? URL(fileURLWithPath: raw) : directory.appendingPathComponent(raw)
        return fileURL.standardizedFileURL.absoluteString
    }
}
