/// 64-bit FNV-1a, as 16 hex digits: stable across runs and platforms (unlike Hasher), cheap,
/// and plenty for noticing change and naming things within one installation.
public enum StableHash {
    public static func hex(_ parts: [String?]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in (part ?? "\u{0}").utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0x1f  // field separator, so ("ab","c") and ("a","bc") differ
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
