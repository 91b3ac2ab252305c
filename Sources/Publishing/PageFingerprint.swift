/// The fingerprint of a page's inputs: 64 bits, hex. Read eight bytes at a time (the daily run
/// fingerprints every item of the archive to find the few pages that changed), and unlike
/// `StableHash` free to change between versions: a new fingerprint only renders a page again.
struct PageFingerprint {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    private mutating func mix(_ word: UInt64) {
        state = (state ^ word) &* 0xFF51_AFD7_ED55_8CCD
        state ^= state >> 29
    }

    /// One field; nil differs from "".
    mutating func combine(_ part: String?) {
        guard var part else {
            mix(0xFFFF_FFFF_FFFF_FFFF)
            return
        }
        part.withUTF8 { bytes in
            var index = 0
            while index + 8 <= bytes.count {
                mix(UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self))
                index += 8
            }
            var tail: UInt64 = 0
            for (shift, byte) in bytes[index...].enumerated() { tail |= UInt64(byte) << (8 * UInt64(shift)) }
            mix(tail)
            // The length ends the field, so that ("ab", "c") and ("a", "bc") differ.
            mix(UInt64(bytes.count))
        }
    }

    mutating func combine(_ number: Double?) {
        guard let number else {
            mix(0xFFFF_FFFF_FFFF_FFFE)
            return
        }
        mix(number.bitPattern)
        mix(8)
    }

    mutating func combine(_ flag: Bool) { mix(flag ? 0x51 : 0x50) }

    /// How many fields follow (a list's length), so that lists side by side cannot run together.
    mutating func combine(count: Int) { mix(UInt64(truncatingIfNeeded: count)) }

    mutating func combine(list: [String]) {
        mix(UInt64(list.count))
        for element in list { combine(element) }
    }

    var hex: String {
        var value = state
        value ^= value >> 33
        value = value &* 0xC4CE_B9FE_1A85_EC53
        value ^= value >> 33
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for position in 0..<16 {
                buffer[15 - position] = Self.hexDigits[Int(value & 0xF)]
                value >>= 4
            }
            return 16
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
