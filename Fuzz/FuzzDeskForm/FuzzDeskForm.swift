// libFuzzer target: any bytes as the body of a desk form post. Decoding never fails, and what a
// browser would send for the decoded fields decodes to the same fields. Run: scripts/fuzz desk-form
// (FormBody.swift here is a link to the desk's own file.)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDeskForm(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let form = FormBody(UnsafeBufferPointer(start: data, count: size))
    let again = FormBody(Array(form.pairs.map { encode($0.name) + "=" + encode($0.value) }.joined(separator: "&").utf8))
    guard again.pairs.count == form.pairs.count, zip(again.pairs, form.pairs).allSatisfy({ $0 == $1 }) else {
        fatalError("form fields do not survive their own encoding: \(form.pairs) became \(again.pairs)")
    }
    return 0
}

/// As browsers encode a form field (the URL standard's application/x-www-form-urlencoded set).
private func encode(_ text: String) -> String {
    var encoded = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            encoded.unicodeScalars.append(Unicode.Scalar(byte))
        case UInt8(ascii: " "):
            encoded += "+"
        default:
            encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded
        }
    }
    return encoded
}

private extension String {
    var leftPadded: String { count == 1 ? "0" + self : self }
}
