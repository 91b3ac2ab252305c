import Testing

@testable import FeedParsing

@Suite struct TextRepairTests {
    @Test func looksFurtherOnlyWhereARepairCanHappen() {
        func may(_ text: String) -> Bool { TextRepair.mayNeedRepair(Array(text.utf8)) }
        #expect(!may("Société\u{A0}: « santé\u{A0}» et à l’hôpital"))  // French typography
        #expect(!may("plain ASCII"))
        #expect(may("caf\u{C3}\u{A9}"))  // "café" read as Latin-1: Ã©
        #expect(may("don\u{92}t"))  // a C1 control from windows-1252
        #expect(may("\u{E2}\u{80}\u{A6}"))  // "…" read as Latin-1: three bytes
        #expect(TextRepair.repair("caf\u{C3}\u{A9} \u{E2}\u{80}\u{A6} don\u{92}t") == "café … don’t")
        #expect(TextRepair.repair("Société\u{A0}:") == "Société\u{A0}:")
        #expect(TextRepair.repair("\u{CE}\u{A9} \u{E4}\u{B8}\u{AD} \u{EF}\u{BB}\u{BF}x") == "Ω 中 \u{FEFF}x")
        #expect(TextRepair.repair("25\u{C2}\u{B0}C \u{C2}\u{AB}\u{C2}\u{A0}x\u{C2}\u{A0}\u{C2}\u{BB}") == "25°C «\u{A0}x\u{A0}»")
        // Found on a real feed: "doué »" and "ÉTAT »" are French, not UTF-8 read as Latin-1.
        #expect(TextRepair.repair("« doué\u{A0}», ÉTAT\u{A0}» et à\u{A0}«") == "« doué\u{A0}», ÉTAT\u{A0}» et à\u{A0}«")
    }
}

@Suite struct AmpersandRepairTests {
    @Test func isNeededOnlyForAmpersandsXMLWouldReject() {
        func needed(_ xml: String) -> Bool { Array(xml.utf8).withUnsafeBytes { AmpersandRepair.isNeeded($0) } }
        #expect(!needed("<a>&lt;p&gt; &amp; &quot;&apos; &#233; &#x41;</a>"))
        #expect(!needed("<a><![CDATA[AT&T &nbsp;]]> &amp;</a><b><![CDATA[&]]></b>"))
        #expect(needed("<a>&nbsp;</a>"))
        #expect(needed("<a href=\"?a=1&b=2\"/>"))
        #expect(needed("<a>&#X41;</a>"))
        #expect(needed("<a><![CDATA[x]]>&eacute;<![CDATA[y]]></a>"))
        #expect(!needed("<a><![CDATA[never closed &nbsp;"))  // as the repair reads it: CDATA to the end
        // Found in review: "<![CDATA[" inside a comment opens no section.
        #expect(needed("<rss><!-- <![CDATA[ --><title>Caf&eacute;</title></rss>"))
    }
}
