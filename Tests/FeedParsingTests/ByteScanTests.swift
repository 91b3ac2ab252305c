import CLibXML2
import Testing

@testable import FeedParsing

@Suite struct ByteScanTests {
    /// The table of named references gives what libxml2 gives, for every name it defines.
    @Test func entityTableAgreesWithLibXML2() {
        for value in 0..<UInt32(0x2670) {
            guard let entity = htmlEntityValueLookup(value), let name = entity.pointee.name else { continue }
            let bytes = Array(String(cString: name).utf8)
            #expect(HTMLEntities.value(of: bytes) == UInt32(entity.pointee.value), "\(String(cString: name))")
        }
        #expect(HTMLEntities.value(of: Array("eacute".utf8)) == 0xE9)
        #expect(HTMLEntities.value(of: Array("Eacute".utf8)) == 0xC9)
        #expect(HTMLEntities.value(of: Array("thetasym".utf8)) == 0x3D1)
        #expect(HTMLEntities.value(of: Array("nbsp".utf8)) == 0xA0)
        #expect(HTMLEntities.value(of: Array("notanentity".utf8)) == nil)
        #expect(HTMLEntities.value(of: Array("eacut".utf8)) == nil)
        #expect(HTMLEntities.value(of: []) == nil)
    }

    /// The anchored search finds what memmem finds: at the start, at the end, after false
    /// anchors, and nothing past the end.
    @Test func anchoredSearchFindsEveryOccurrence() {
        let text = Array("[[x <![CDAT[ <![CDATA[a]]> ]] ]]>".utf8)
        text.withUnsafeBufferPointer { bytes in
            #expect(ByteText.find("<![CDATA[", anchor: 2, in: bytes, from: 0) == 13)
            #expect(ByteText.find("<![CDATA[", anchor: 2, in: bytes, from: 14) == nil)
            #expect(ByteText.find("]]>", in: bytes, from: 0) == 23)
            #expect(ByteText.find("]]>", in: bytes, from: 24) == 30)
            #expect(ByteText.find("]]>", in: bytes, from: 31) == nil)
            #expect(ByteText.find("[[x", in: bytes, from: 0) == 0)
            #expect(ByteText.find("]]>", in: bytes, from: 99) == nil)
        }
    }
}
