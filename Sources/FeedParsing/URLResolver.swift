import CLibXML2
import Foundation

/// Resolves relative references (RFC 3986) against a base, and says which URLs may be linked.
enum URLResolver {
    /// `reference` resolved against `base`; nil when it cannot be made into a URL.
    static func resolve(_ reference: String, against base: String?) -> String? {
        let trimmed = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        if hasScheme(trimmed) { return trimmed }
        guard let base, !base.isEmpty else { return trimmed }
        guard let built = xmlBuildURI(trimmed, base) else { return trimmed }
        defer { cv_xmlFree(built) }
        return String(cString: built)
    }

    static func scheme(of url: String) -> String? {
        guard let colon = url.firstIndex(of: ":") else { return nil }
        let candidate = url[..<colon]
        guard let first = candidate.first, first.isLetter,
              candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
        else { return nil }
        return candidate.lowercased()
    }

    static func hasScheme(_ url: String) -> Bool { scheme(of: url) != nil }

    /// Only these schemes survive into published links.
    static func isSafeLink(_ url: String) -> Bool {
        switch scheme(of: url) {
        case "http", "https", "mailto": return true
        default: return false
        }
    }

    static func isSafeImage(_ url: String) -> Bool {
        switch scheme(of: url) {
        case "http", "https": return true
        default: return false
        }
    }
}

