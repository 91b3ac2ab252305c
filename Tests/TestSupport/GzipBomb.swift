import Foundation

/// A gzip stream that inflates to `expandedSize` zero bytes from a few kilobytes: one literal,
/// then back-references of 258 bytes at distance 1, in a fixed-Huffman deflate block (RFC 1951).
/// Hand-built so that tests need no compression library.
public enum GzipBomb {
    public static func make(expandedSize: Int) -> Data {
        var bits = BitWriter()
        bits.write(1, count: 1)  // BFINAL
        bits.write(1, count: 2)  // BTYPE = fixed Huffman
        bits.writeCode(0x30, length: 8)  // literal 0x00
        for _ in 0..<((expandedSize - 1) / 258) {
            bits.writeCode(0xC5, length: 8)  // length code 285: 258 bytes
            bits.writeCode(0, length: 5)  // distance code 0: distance 1
        }
        for _ in 0..<((expandedSize - 1) % 258) { bits.writeCode(0x30, length: 8) }  // the rest, as literals
        bits.writeCode(0, length: 7)  // end of block
        var data = Data([0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0x03])
        data.append(contentsOf: bits.bytes)
        let crc = crc32OfZeros(expandedSize)
        data.append(contentsOf: (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) })
        let size = UInt32(truncatingIfNeeded: expandedSize)
        data.append(contentsOf: (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * $0)) })
        return data
    }

    private static func crc32OfZeros(_ count: Int) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for _ in 0..<count {
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private struct BitWriter {
        var bytes: [UInt8] = []
        private var bitCount = 0

        mutating func bit(_ value: Int) {
            if bitCount % 8 == 0 { bytes.append(0) }
            if value != 0 { bytes[bytes.count - 1] |= UInt8(1 << (bitCount % 8)) }
            bitCount += 1
        }

        /// Data values go least significant bit first.
        mutating func write(_ value: Int, count: Int) {
            for index in 0..<count { bit((value >> index) & 1) }
        }

        /// Huffman codes go most significant bit first.
        mutating func writeCode(_ code: Int, length: Int) {
            for index in (0..<length).reversed() { bit((code >> index) & 1) }
        }
    }
}
