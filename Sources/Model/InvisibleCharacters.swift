/// Characters that show nothing yet change what text means or how it reads: bidirectional
/// embeddings, overrides and isolates (U+202E turns "exe.pdf" into "fdp.exe"), zero-width
/// spaces and joiners that split a word under a filter's eyes, the byte-order mark, invisible
/// operators, and Unicode "tag" characters and supplementary variation selectors (which can
/// carry hidden text). Titles and plain text lose them; log lines escape them.
public enum InvisibleCharacters {
    /// Removed from titles and plain text. Not U+200C/U+200D (non-joiner and joiner), which
    /// emoji and several scripts need, nor the marks U+200E, U+200F and U+061C (left-to-right,
    /// right-to-left and Arabic letter marks): they set the direction of the text next to them
    /// without reordering anything, and right-to-left text needs them.
    public static func isRemoved(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x180E, 0x200B, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069,
             0xFEFF, 0xFFF9...0xFFFB, 0xE0000...0xE007F, 0xE0100...0xE01EF:
            return true
        default:
            return false
        }
    }

    /// C0 and C1 controls (tab and newline included), DEL, and the characters above.
    public static func isControlOrFormat(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || isRemoved(scalar)
    }
}
