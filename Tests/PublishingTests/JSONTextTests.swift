import Foundation
import Testing

@testable import Publishing

@Suite struct JSONTextTests {
    @Test func escapesWhatJSONRequiresAndKeepsTheRest() throws {
        var json = JSONText()
        json.raw("[")
        json.string("a \"quote\", a \\ backslash,\nlines\r\tand \u{01}\u{1F} controls; é, 😀, \u{2028}")
        json.raw("]")
        #expect(json.text == "[\"a \\\"quote\\\", a \\\\ backslash,\\nlines\\r\\tand \\u0001\\u001f controls; é, 😀, \u{2028}\"]")
        let decoded = try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String]
        #expect(decoded == ["a \"quote\", a \\ backslash,\nlines\r\tand \u{01}\u{1F} controls; é, 😀, \u{2028}"])
    }

    /// A snippet is cut at a scalar boundary: never inside a UTF-8 sequence.
    @Test func cutsSnippetsByScalars() throws {
        var json = JSONText()
        json.raw("{")
        json.member("x", "é😀\"abc", maxScalars: 3, first: true)
        json.member("y", "court", maxScalars: 400)
        json.raw("}")
        #expect(json.text == "{\"x\":\"é😀\\\"\",\"y\":\"court\"}")
    }
}
