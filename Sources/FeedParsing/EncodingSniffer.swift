import Foundation

/// Decides, before libxml2 reads a document, whether its own encoding declaration should be
/// overridden. libxml2 follows BOM and declaration; two cases of the wild need more:
/// - no BOM and no declaration, but an HTTP charset: use the HTTP charset;
/// - a declared single-byte Western encoding (ISO-8859-1, windows-1252, US-ASCII) on bytes that
///   are valid UTF-8 with multi-byte sequences: the declaration is wrong, read UTF-8 (a Latin-1
///   text is practically never valid UTF-8 by accident).
enum EncodingSniffer {
    static func encodingOverride(_ data: Data, httpCharset: String?) -> String? {
        let head = data.prefix(512)
        if head.starts(with: [0xEF, 0xBB, 0xBF]) || head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE]) {
            return nil
        }
        guard let declared = declaredEncoding(head) else {
            return httpCharset.flatMap { isSupported($0) ? $0 : nil }
        }
        let singleByteWestern = ["iso-8859-1", "latin1", "latin-1", "iso-8859-15", "windows-1252", "cp1252", "us-ascii", "ascii"]
        if singleByteWestern.contains(declared.lowercased()), isMultiByteUTF8(data) {
            return "UTF-8"
        }
        return nil
    }

    /// UTF-16 documents (with a BOM, or starting "<\0" / "\0<") as UTF-8, so that the byte-level
    /// passes (ampersand repair, attribute floods) see characters, not halves of code units.
    /// nil when the document is not UTF-16.
    static func utf8FromUTF16(_ data: Data) -> Data? {
        let head = Array(data.prefix(2))
        guard head.count == 2 else { return nil }
        let bigEndian: Bool
        var body = data
        switch (head[0], head[1]) {
        case (0xFE, 0xFF): bigEndian = true; body = data.dropFirst(2)
        case (0xFF, 0xFE): bigEndian = false; body = data.dropFirst(2)
        case (0x00, 0x3C): bigEndian = true
        case (0x3C, 0x00): bigEndian = false
        default: return nil
        }
        let units = stride(from: body.startIndex, to: body.endIndex - 1, by: 2).map { index -> UInt16 in
            let first = UInt16(body[index]), second = UInt16(body[index + 1])
            return bigEndian ? first << 8 | second : second << 8 | first
        }
        return Data(String(decoding: units, as: UTF16.self).utf8)
    }

    static func charset(fromContentType contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            }
        }
        return nil
    }

    /// The encoding named by `<?xml … encoding="…"?>`, if the document starts with one.
    private static func declaredEncoding(_ head: Data) -> String? {
        guard head.starts(with: Array("<?xml".utf8)),
              let end = head.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let declaration = String(decoding: head[head.startIndex..<end], as: UTF8.self)
        guard let range = declaration.range(of: "encoding") else { return nil }
        let rest = declaration[range.upperBound...].drop { $0 == " " || $0 == "=" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let value = rest.dropFirst().prefix { $0 != quote }
        return value.isEmpty ? nil : String(value)
    }

    private static func isSupported(_ charset: String) -> Bool {
        charset.range(of: #"^[A-Za-z0-9._:-]{1,40}$"#, options: .regularExpression) != nil
    }

    private static func isMultiByteUTF8(_ data: Data) -> Bool {
        var sawMultiByte = false
        var remaining = 0
        for byte in data {
            if remaining > 0 {
                guard byte & 0xC0 == 0x80 else { return false }
                remaining -= 1
            } else if byte >= 0x80 {
                switch byte {
                case 0xC2...0xDF: remaining = 1
                case 0xE0...0xEF: remaining = 2
                case 0xF0...0xF4: remaining = 3
                default: return false
                }
                sawMultiByte = true
            }
        }
        return sawMultiByte && remaining == 0
    }
}
