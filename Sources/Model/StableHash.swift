/// 64-bit FNV-1a, as 16 hex digits: stable across runs and platforms (unlike Hasher), cheap,
/// and plenty for noticing change and naming things within one installation.
public enum StableHash {
    public static func hex(_ parts: [String?]) -> String {
        var hasher = Hasher()
        for part in parts { hasher.combine(part) }
        return hasher.hex
    }

    /// The same hash fed field by field, without building the joined text first (the store
    /// hashes every item of every feed it reads).
    public struct Hasher {
        private var hash: UInt64 = 0xcbf2_9ce4_8422_2325

        public init() {}

        private mutating func feed(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }

        private mutating func feed(_ text: String) {
            var text = text
            text.withUTF8 { for byte in $0 { feed(byte) } }
        }

        /// One field; nil hashes as "\u{0}".
        public mutating func combine(_ part: String?) {
            if let part { feed(part) } else { feed(0) }
            endField()
        }

        /// One field made of a list, as if joined with "\u{1e}".
        public mutating func combine(list: [String]) {
            for (index, element) in list.enumerated() {
                if index > 0 { feed(0x1e) }
                feed(element)
            }
            endField()
        }

        /// One field of raw bytes (a whole file), without decoding it as text first.
        public mutating func combine<Bytes: Sequence<UInt8>>(bytes: Bytes) {
            for byte in bytes { feed(byte) }
            endField()
        }

        /// Field separator, so that ("ab","c") and ("a","bc") differ.
        private mutating func endField() { feed(0x1f) }

        public var hex: String {
            let digits = Array("0123456789abcdef".utf8)
            var bytes = [UInt8](repeating: 0, count: 16)
            var value = hash
            for index in (0..<16).reversed() {
                bytes[index] = digits[Int(value & 0xf)]
                value >>= 4
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
