/// Text of the sanitized HTML that Storage keeps: tags dropped, the entities our sanitizer
/// writes decoded. Not a general HTML parser, and does not need to be. One pass over the bytes.
public enum PlainText {
    private static let entities: [(pattern: [UInt8], replacement: UInt8)] = [
        (Array("&lt;".utf8), UInt8(ascii: "<")), (Array("&gt;".utf8), UInt8(ascii: ">")), (Array("&amp;".utf8), UInt8(ascii: "&")),
        (Array("&quot;".utf8), UInt8(ascii: "\"")), (Array("&#39;".utf8), UInt8(ascii: "'")),
    ]

    public static func from(html: String) -> String {
        let bytes = Array(html.utf8)
        guard bytes.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else { return html }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        var inTag = false
        while index < bytes.count {
            let byte = bytes[index]
            if inTag {
                if byte == UInt8(ascii: ">") { inTag = false; out.append(0x20) }
                index += 1
            } else if byte == UInt8(ascii: "<") {
                inTag = true
                index += 1
            } else if byte == UInt8(ascii: "&"),
                      let entity = entities.first(where: { bytes[index...].starts(with: $0.pattern) }) {
                out.append(entity.replacement)
                index += entity.pattern.count
            } else {
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
