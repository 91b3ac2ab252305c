// libFuzzer target: any bytes as the body of a desk form post, decoded as each form of the desk
// (DeskForms.swift here is a link to the desk's own file) by Hummingbird's decoder. It never
// crashes, and what a browser would send for the decoded fields decodes to the same form.
// Run: scripts/fuzz desk-form
import Hummingbird

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDeskForm(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let body = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let decoder = URLEncodedFormDecoder()
    _ = try? decoder.decode(SignInForm.self, from: body)
    _ = try? decoder.decode(AlertForm.self, from: body)
    _ = try? decoder.decode(IncidentStepForm.self, from: body)
    _ = try? decoder.decode(UserForm.self, from: body)
    if let form = try? decoder.decode(ItemActionForm.self, from: body) {
        let fields: [(String, String?)] = [("csrf", form.csrf), ("version", form.version), ("note", form.note), ("reason", form.reason),
                                           ("reason_other", form.reason_other), ("title", form.title), ("tags", form.tags), ("return", form.return)]
        let sent = fields.compactMap { name, value in value.map { name + "=" + encode($0) } }.joined(separator: "&")
        guard let again = try? decoder.decode(ItemActionForm.self, from: sent), again == form else {
            fatalError("a form does not survive a browser's encoding: \(form) sent as \(sent)")
        }
    }
    if let form = try? decoder.decode(BulkActionForm.self, from: body) {
        let rows = (form.item ?? []).map { "item%5B%5D=" + encode($0) }
        let sent = ([form.action.map { "action=" + encode($0) }].compactMap { $0 } + rows).joined(separator: "&")
        guard let again = try? decoder.decode(BulkActionForm.self, from: sent), again.item ?? [] == form.item ?? [], again.action == form.action else {
            fatalError("marked rows do not survive a browser's encoding: \(form) sent as \(sent)")
        }
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
