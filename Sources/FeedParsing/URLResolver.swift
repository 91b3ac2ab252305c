import CLibXML2
import Foundation

/// Resolves relative references (RFC 3986) against a base, and says which URLs may be linked.
enum URLResolver {
    /// `reference` resolved against `base`; nil when it cannot be made into a URL.
    static func resolve(_ reference: String, against base: String?) -> String? {
        let trimmed = ByteText.trimmed(reference)
        guard !trimmed.isEmpty else { return nil }
        if hasScheme(trimmed) { return trimmed }
        guard let base, !base.isEmpty else { return trimmed }
        // libxml2 resolves URIs, not IRIs: escape non-ASCII for it, then give the characters back.
        let escapedReference = escapeNonASCII(trimmed), escapedBase = escapeNonASCII(base)
        guard let built = xmlBuildURI(escapedReference, escapedBase) else { return trimmed }
        defer { cv_xmlFree(built) }
        let resolved = String(cString: built)
        return escapedReference == trimmed && escapedBase == base ? resolved : unescapeNonASCII(resolved)
    }

    /// Decodes the %XX escapes of bytes ≥ 0x80 that form UTF-8, and only those.
    private static func unescapeNonASCII(_ s: String) -> String {
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16), value >= 0x80 {
                out.append(value)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(validating: out, as: UTF8.self) ?? s
    }

    private static func escapeNonASCII(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 >= 0x80 }) else { return s }
        var out = ""
        for byte in s.utf8 {
            if byte >= 0x80 { out += "%" + String(byte, radix: 16, uppercase: true) } else { out.unicodeScalars.append(Unicode.Scalar(byte)) }
        }
        return out
    }

    /// The scheme, lower-cased: letters, then letters, digits, "+", "-" or "." before a ":".
    static func scheme(of url: String) -> String? {
        var scheme: [UInt8] = []
        for byte in url.utf8 {
            if byte == UInt8(ascii: ":") {
                return scheme.isEmpty ? nil : String(decoding: scheme, as: UTF8.self)
            }
            let lower = byte | 0x20
            let isLetter = lower >= 0x61 && lower <= 0x7A
            let isOther = (byte >= 0x30 && byte <= 0x39) || byte == 0x2B || byte == 0x2D || byte == 0x2E
            guard isLetter || (!scheme.isEmpty && isOther), scheme.count < 32 else { return nil }
            scheme.append(isLetter ? lower : byte)
        }
        return nil
    }

    static func hasScheme(_ url: String) -> Bool { scheme(of: url) != nil }

    /// Only these schemes survive into published links; http(s) with a host part ("https:/x" or
    /// "http:x" are left out: browsers would guess what they mean).
    static func isSafeLink(_ url: String) -> Bool {
        switch scheme(of: url) {
        case "http", "https": return hasAuthority(url)
        case "mailto": return true
        default: return false
        }
    }

    static func isSafeImage(_ url: String) -> Bool {
        switch scheme(of: url) {
        case "http", "https": return hasAuthority(url)
        default: return false
        }
    }

    /// "//" right after the scheme's ":".
    private static func hasAuthority(_ url: String) -> Bool {
        guard let colon = url.utf8.firstIndex(of: UInt8(ascii: ":")) else { return false }
        return url.utf8[url.utf8.index(after: colon)...].starts(with: "//".utf8)
    }
}

