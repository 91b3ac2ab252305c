import Foundation
import Model

/// Edits of the sources file that keep everything an operator wrote in it (comments, order,
/// layout): sources are appended as new `[[source]]` blocks and removed block by block. The
/// result is read back before it replaces the file, which is written atomically.
public enum SourcesFileEditing {
    /// Appends sources; ids already in the file are an error.
    public static func append(_ sources: [Source], to path: String) throws {
        let existing = try SourcesFile.load(path: path)
        let taken = Set(existing.map(\.id))
        if let clash = sources.first(where: { taken.contains($0.id) }) {
            throw ConfigurationError(file: path, "a source with id \"\(clash.id)\" already exists")
        }
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if !text.hasSuffix("\n") { text += "\n" }
        for source in sources { text += "\n" + block(source) }
        try replace(path, with: text)
    }

    /// Removes the `[[source]]` block whose id is `id`.
    public static func remove(id: String, from path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        // Table headers ([defaults], [[source]]) delimit the blocks.
        let headers = lines.indices.filter { lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix("[") }
        for (position, start) in headers.enumerated() where lines[start].trimmingCharacters(in: .whitespaces) == "[[source]]" {
            let end = position + 1 < headers.count ? headers[position + 1] : lines.count
            let declaresID = lines[start..<end].contains { line in
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return parts.count == 2 && parts[0] == "id" && Self.stringValue(parts[1]) == id
            }
            guard declaresID else { continue }
            lines.removeSubrange(start..<end)
            try replace(path, with: lines.joined(separator: "\n"))
            return
        }
        throw ConfigurationError(file: path, "no source with id \"\(id)\"")
    }

    /// The string of a simple TOML value: quoted (a comment may follow) or bare.
    private static func stringValue(_ raw: String) -> String {
        guard let quote = raw.first, quote == "\"" || quote == "'" else {
            return raw.split(separator: "#", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? raw
        }
        return String(raw.dropFirst().prefix { $0 != quote })
    }

    /// An id for a new source, from its title, not already in `taken`.
    /// The sources to add for subscriptions (an OPML import): those whose feed address no source
    /// has yet, each with an id made from its title. Sets and a suffix counter per name keep it
    /// linear (200,000 subscriptions in seconds).
    public static func newSources(_ subscriptions: [(title: String, url: String, language: String?, homepage: String?)],
                                  existing: [Source], interval: Int) -> [Source] {
        var taken = Set(existing.map(\.id))
        var urls = Set(existing.map(\.url))
        var suffixes: [String: Int] = [:]
        var added: [Source] = []
        for subscription in subscriptions where urls.insert(subscription.url).inserted {
            let id = identifier(for: subscription.title, taken: taken, nextSuffix: &suffixes)
            taken.insert(id)
            added.append(Source(id: id, title: subscription.title, url: subscription.url, language: subscription.language,
                                interval: interval, homepage: subscription.homepage))
        }
        return added
    }

    public static func identifier(for title: String, taken: Set<String>) -> String {
        var suffixes: [String: Int] = [:]
        return identifier(for: title, taken: taken, nextSuffix: &suffixes)
    }

    /// The same, remembering per name the next suffix to try, so that many sources of one name
    /// take linear time, not quadratic.
    public static func identifier(for title: String, taken: Set<String>, nextSuffix: inout [String: Int]) -> String {
        let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var slug = String(folded.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        while slug.contains("--") { slug = slug.replacingOccurrences(of: "--", with: "-") }
        slug = slug.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        if slug.isEmpty { slug = "source" }
        slug = String(slug.prefix(48))
        var candidate = slug
        var suffix = nextSuffix[slug] ?? 2
        while taken.contains(candidate) {
            candidate = "\(slug)-\(suffix)"
            suffix += 1
        }
        nextSuffix[slug] = suffix
        return candidate
    }

    static func block(_ source: Source) -> String {
        var lines = ["[[source]]", "id = \(quoted(source.id))", "title = \(quoted(source.title))", "url = \(quoted(source.url))",
                     "kind = \(quoted(source.kind.rawValue))"]
        if let language = source.language { lines.append("language = \(quoted(language))") }
        lines.append("interval = \(quoted(intervalText(source.interval)))")
        if source.critical { lines.append("critical = true") }
        if let homepage = source.homepage { lines.append("homepage = \(quoted(homepage))") }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func intervalText(_ seconds: Int) -> String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    /// A TOML basic string.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += String(format: "\\u%04X", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    private static func replace(_ path: String, with text: String) throws {
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).editing")
        try Data(text.utf8).write(to: temporary)
        do {
            _ = try SourcesFile.load(path: temporary.path)  // never write a file that does not read back
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        // rename(2): atomic, and unlike FileManager.replaceItemAt on Linux, never leaves the file missing.
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ConfigurationError(file: path, "cannot replace the file (\(reason))")
        }
    }
}

/// OPML 2.0 from the sources, for any feed reader to import.
public enum OPMLWriter {
    public static func document(_ sources: [Source], title: String) -> String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<opml version=\"2.0\">", "  <head>",
                     "    <title>\(escape(title))</title>", "  </head>", "  <body>"]
        for source in sources where !source.local {
            var attributes = "type=\"rss\" text=\"\(escape(source.title))\" title=\"\(escape(source.title))\" xmlUrl=\"\(escape(source.url))\""
            if let homepage = source.homepage { attributes += " htmlUrl=\"\(escape(homepage))\"" }
            if let language = source.language { attributes += " language=\"\(escape(language))\"" }
            lines.append("    <outline \(attributes)/>")
        }
        lines += ["  </body>", "</opml>"]
        return lines.joined(separator: "\n") + "\n"
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: if scalar.value >= 0x20 || scalar == "\t" { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
