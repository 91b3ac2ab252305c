import Foundation
import Model
import Testing

/// The test vectors of FIPS 180-4 (NIST's examples) and RFC 4231 (HMAC-SHA-256).
@Suite struct SHA2Tests {
    static let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256(message: String, digest: String) {
        #expect(SHA2.hex(SHA2.sha256(Array(message.utf8))) == digest)
    }

    @Test(arguments: [
        ("", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
        ("abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"),
    ])
    func sha512(message: String, digest: String) {
        #expect(SHA2.hex(SHA2.sha512(Array(message.utf8))) == digest)
    }

    @Test func aMillionLettersAndEveryLengthAroundABlock() {
        #expect(SHA2.hex(SHA2.sha256(Self.million)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(SHA2.hex(SHA2.sha512(Self.million))
                == "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b")
        // Padding edges: the length field in the same block or the next (55/56 and 63/64 bytes
        // for SHA-256, 111/112 and 127/128 for SHA-512); digests from Python's hashlib.
        let prefixes: [(Int, String, String)] = [
            (55, "9f4390f8d30c2dd9", "b0220c772cbf6c18"), (56, "b35439a4ac6f0948", "962b64aae357d2a4"),
            (63, "7d3e74a05d7db15b", "c1b0f5c6d3b03dfe"), (64, "ffe054fe7ae0cb6d", "01d35c10c6c38c2d"),
            (65, "635361c48bb9eab1", "b83086cd8494e557"), (111, "6374f73208854473", "fa9121c7b32b9e01"),
            (112, "f54353008a255326", "c01d080efd492776"), (127, "c57e9278af78fa3c", "828613968b501dc0"),
            (128, "6836cf13bac400e9", "b73d1929aa615934"), (129, "c12cb024a2e5551c", "4f681e0bd53cda4b"),
        ]
        for (length, sha256, sha512) in prefixes {
            let bytes = [UInt8](repeating: 0x61, count: length)
            #expect(SHA2.hex(SHA2.sha256(bytes)).hasPrefix(sha256), "\(length) bytes")
            #expect(SHA2.hex(SHA2.sha512(bytes)).hasPrefix(sha512), "\(length) bytes")
        }
        #expect(SHA2.hex(SHA2.sha256([UInt8](repeating: 0x61, count: 64))) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test(arguments: [
        // RFC 4231 cases 1, 2, 3, 4, 6 and 7.
        ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (Array(1...25), [UInt8](repeating: 0xcd, count: 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ([UInt8](repeating: 0xaa, count: 131),
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ])
    func hmacSHA256(key: [UInt8], message: [UInt8], code: String) {
        #expect(SHA2.hex(SHA2.hmacSHA256(key: key, message: message)) == code)
    }
}
