import Testing

@testable import FeedParsing

@Suite struct HTMLSanitizerTests {
    @Test func dropsScriptsStylesFramesAndForms() {
        let html = "<p>a</p><script>alert(1)</script><style>p{}</style><iframe src=\"https://x\"></iframe><form><input></form><p>b</p>"
        #expect(HTMLSanitizer.sanitize(html, base: nil) == "<p>a</p><p>b</p>")
    }

    @Test func dropsEventHandlersAndDangerousURLs() {
        let html = "<a href=\"javascript:alert(1)\" onclick=\"x\">a</a><img src=\"data:image/png;base64,xx\"><img src=\"https://e.org/i.png\" onerror=\"x\" alt=\"i\">"
        #expect(HTMLSanitizer.sanitize(html, base: nil)
            == "<a>a</a><img src=\"https://e.org/i.png\" alt=\"i\">")
    }

    @Test func resolvesRelativeLinksAndMarksThem() {
        #expect(HTMLSanitizer.sanitize("<a href=\"/x\">x</a>", base: "https://e.org/a/b")
            == "<a href=\"https://e.org/x\" rel=\"noopener noreferrer\">x</a>")
    }

    @Test func unwrapsUnknownElementsAndEscapesText() {
        #expect(HTMLSanitizer.sanitize("<font color=red>1 &lt; 2</font>", base: nil) == "1 &lt; 2")
    }

    @Test func leavesPlainTextAlone() {
        #expect(HTMLSanitizer.sanitize("  plain text  ", base: nil) == "plain text")
        #expect(HTMLSanitizer.plainText("a <b>bold</b>&amp; <script>x</script>") == "a bold&")
    }
}
