/// Compact JSON written straight into UTF-8 bytes, for the search index that lists every item:
/// `JSONSerialization` (dictionaries of `Any`, keys sorted at each level) took seconds on a
/// large archive. Keys are written in the order given; callers give them sorted.
struct JSONText {
    private var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func raw(_ fragment: String) { bytes.append(contentsOf: fragment.utf8) }

    /// A JSON string: quotes, backslashes and control characters escaped; the rest as UTF-8.
    /// At most `maxScalars` Unicode scalars of `value` are written (a snippet).
    mutating func string(_ value: String, maxScalars: Int = .max) {
        var value = value
        value.withUTF8 { utf8 in
            var end = utf8.count
            if maxScalars < utf8.count {
                var scalars = 0
                for index in 0..<utf8.count where utf8[index] & 0xC0 != 0x80 {  // the first byte of a scalar
                    scalars += 1
                    if scalars > maxScalars { end = index; break }
                }
            }
            bytes.append(UInt8(ascii: "\""))
            // Runs that need no escaping are copied whole.
            var runStart = 0
            for index in 0..<end {
                let byte = utf8[index]
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
                case 0..<0x20:
                    bytes.append(contentsOf: "u00".utf8)
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0xF)])
                default: bytes.append(byte)  // a quote or a backslash
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<end]))
            bytes.append(UInt8(ascii: "\""))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `"key":"value"`, with a comma first unless `first`.
    mutating func member(_ key: String, _ value: String, maxScalars: Int = .max, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        string(key)
        bytes.append(UInt8(ascii: ":"))
        string(value, maxScalars: maxScalars)
    }
}
