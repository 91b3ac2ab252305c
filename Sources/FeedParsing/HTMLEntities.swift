import CLibXML2

/// HTML 4's named character references (`&eacute;`, `&nbsp;`), as libxml2 knows them, looked
/// up by name without allocating: names of up to eight letters (all of HTML 4's) are packed into
/// one integer and found in a table read once from libxml2; anything not found there (unknown
/// names, or a second name for the same character) asks libxml2 itself.
enum HTMLEntities {
    /// The code point `name` stands for, or nil when HTML 4 does not define it.
    static func value(of name: UnsafeBufferPointer<UInt8>) -> UInt32? {
        if let key = packed(name), let value = table[key] { return value }
        return withUnsafeTemporaryAllocation(of: xmlChar.self, capacity: name.count + 1) { terminated in
            for (index, byte) in name.enumerated() { terminated[index] = byte }
            terminated[name.count] = 0
            return htmlEntityLookup(terminated.baseAddress).map { UInt32($0.pointee.value) }
        }
    }

    static func value(of name: [UInt8]) -> UInt32? {
        name.withUnsafeBufferPointer { value(of: $0) }
    }

    private static func packed(_ name: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard (1...8).contains(name.count) else { return nil }
        var key: UInt64 = 0
        for byte in name { key = key << 8 | UInt64(byte) }
        return key
    }

    /// Every entity libxml2 defines, by packed name. The values of HTML 4's entities all lie
    /// below U+2670, and libxml2 gives each value's name.
    private static let table: [UInt64: UInt32] = {
        var table: [UInt64: UInt32] = [:]
        for value in 0..<UInt32(0x2670) {
            guard let entity = htmlEntityValueLookup(value), let text = entity.pointee.name else { continue }
            let name = UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self)
            var length = 0
            while name[length] != 0 { length += 1 }
            guard let key = packed(UnsafeBufferPointer(start: name, count: length)) else { continue }
            table[key] = UInt32(entity.pointee.value)
        }
        return table
    }()
}
