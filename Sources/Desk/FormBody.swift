/// A form post's body (`application/x-www-form-urlencoded`), decoded as the URL standard says
/// browsers encode it: pairs split on `&`, `+` for a space, `%XX` escapes decoded as UTF-8 bytes,
/// a `%` not followed by two hexadecimal digits kept as written, invalid UTF-8 replaced (U+FFFD).
///
/// Only the standard library: the fuzz target `desk-form` compiles this very file (a link in
/// Fuzz/FuzzDeskForm) without the HTTP server around it.
struct FormBody: Sendable {
    /// Every pair in the order sent; a name may come several times.
    let pairs: [(name: String, value: String)]

    init(_ bytes: some Collection<UInt8>) {
        pairs = bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { pair in
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { return (Self.decode(pair), "") }
            return (Self.decode(pair[..<equals]), Self.decode(pair[pair.index(after: equals)...]))
        }
    }

    /// One value per name, the last one sent when a name comes several times.
    var fields: [String: String] {
        Dictionary(pairs.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Every value sent under `name`, in order (checkboxes of the same name).
    func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    private static func decode(_ encoded: some Collection<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.count)
        var index = encoded.startIndex
        while index != encoded.endIndex {
            let byte = encoded[index]
            index = encoded.index(after: index)
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index != encoded.endIndex, let high = hexValue(encoded[index]),
                      case let next = encoded.index(after: index), next != encoded.endIndex, let low = hexValue(encoded[next]) {
                bytes.append(high << 4 | low)
                index = encoded.index(after: next)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
