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

    /// Found by fuzzing: "https:/host" passed as an http(s) link; browsers would guess the host.
    @Test func dropsHTTPLinksWithoutAHost() {
        #expect(HTMLSanitizer.sanitize("<a href=\"https:/e/.org/a\">x</a><img src=\"http:i.png\">", base: nil) == "<a>x</a>")
        #expect(HTMLSanitizer.sanitize("<a href=\"HTTPS://e.org/\">x</a>", base: nil)
            == "<a href=\"HTTPS://e.org/\" rel=\"noopener noreferrer\">x</a>")
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

@Suite struct HTMLSanitizerBalanceTests {
    /// Found by fuzzing: libxml2 2.9's HTML parser starts `<aa>` here and never ends it, which once
    /// shifted every later end tag onto the wrong element and let `</body>` into the output.
    @Test func staysBalancedWhenLibXML2LeavesAnElementUnended() {
        let html = "<p>a <a>as><p>a /a < <aa< ah\u{0}"
        let clean = HTMLSanitizer.sanitize(html, base: nil)
        #expect(!clean.contains("</aa") && !clean.contains("body"), "\(clean)")
        #expect(Self.isBalanced(clean), "\(clean)")
        #expect(Self.isBalanced(HTMLSanitizer.sanitize("<div><p>x<span>y", base: nil)))
    }

    /// Every end tag closes the innermost open element (void elements aside).
    static func isBalanced(_ html: String) -> Bool {
        var open: [Substring] = []
        for tag in html.matches(of: #/<(/?)([a-z0-9]+)[^>]*>/#) {
            let name = tag.output.2
            if tag.output.1.isEmpty {
                if !HTMLSanitizer.voidElements.contains(String(name)) { open.append(name) }
            } else if open.popLast() != name {
                return false
            }
        }
        return open.isEmpty
    }
}
