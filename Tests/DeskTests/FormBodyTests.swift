import Testing

@testable import Desk

/// Form posts decoded as browsers encode them (the URL standard's urlencoded parser).
@Suite struct FormBodyTests {
    @Test func decodesPlusPercentAndUTF8() {
        let form = FormBody(Array("note=Relu+par+l%27%C3%A9quipe&decision=select&empty=&flag".utf8))
        #expect(form.fields == ["note": "Relu par l'équipe", "decision": "select", "empty": "", "flag": ""])
    }

    @Test func keepsEveryValueOfANameInOrderAndTheLastAsTheField() {
        let form = FormBody(Array("id=3&id=1&id=2&&action=reject".utf8))
        #expect(form.values("id") == ["3", "1", "2"])
        #expect(form.fields["id"] == "2")
        #expect(form.pairs.count == 4)
    }

    @Test func keepsBrokenEscapesAsWrittenAndReplacesInvalidUTF8() {
        // Foundation's removingPercentEncoding gave "" for the whole field on either.
        let form = FormBody(Array("a=100%&b=%zz&c=%E9t%C3%A9&d=%4".utf8))
        #expect(form.fields["a"] == "100%")
        #expect(form.fields["b"] == "%zz")
        #expect(form.fields["c"] == "\u{FFFD}té")
        #expect(form.fields["d"] == "%4")
    }
}
