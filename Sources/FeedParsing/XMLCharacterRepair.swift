import Foundation

/// Characters XML 1.0 forbids (the C0 controls other than tab, line feed and carriage return),
/// which feeds built by concatenating strings carry now and then: libxml2 stops at the first,
/// even when recovering, so they are taken out before a second reading.
enum XMLCharacterRepair {
    /// The document without them, or nil when it has none.
    static func removingForbiddenControls(_ data: Data) -> Data? {
        data.withUnsafeBytes { raw -> Data? in
            let bytes = raw.bindMemory(to: UInt8.self)
            func forbidden(_ byte: UInt8) -> Bool { byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D }
            guard let first = bytes.firstIndex(where: forbidden) else { return nil }
            var cleaned = Data(bytes[..<first])
            cleaned.reserveCapacity(bytes.count)
            for byte in bytes[first...] where !forbidden(byte) { cleaned.append(byte) }
            return cleaned
        }
    }
}
