import Model
import Testing

@testable import Storage

@Suite struct UrgencyReasonsTests {
    @Test func reasonsSurviveTheirStoredFormWithTheirOwnTabsAndLineBreaksAsSpaces() {
        let reasons = [
            UrgencyReason(kind: .knownExploited, ruleID: "kev", matchedText: "CVE-2026-1234", field: "facts"),
            UrgencyReason(kind: .product, ruleID: "vpn-acces-distant", matchedText: "SSL\tVPN", field: "title"),
            UrgencyReason(kind: .exploited, ruleID: "exploitation.active", matchedText: "activement\nexploitée", field: "summary"),
        ]
        let stored = Store.encodeReasons(reasons)
        let read = Store.decodeReasons(stored)
        #expect(read.map(\.kind) == reasons.map(\.kind))
        #expect(read.map(\.ruleID) == reasons.map(\.ruleID))
        #expect(read.map(\.field) == reasons.map(\.field))
        #expect(read.map(\.matchedText) == ["CVE-2026-1234", "SSL VPN", "activement exploitée"])
        #expect(Store.encodeReasons([]) == nil)
        #expect(Store.decodeReasons(nil).isEmpty)
    }

    @Test func aLineOfAnUnknownKindIsLeftOut() {
        let read = Store.decodeReasons("later-kind\tx\ttitle\tsomething\nfix\tcorrectif\tsummary\tcorrectif\nbroken line")
        #expect(read == [UrgencyReason(kind: .fix, ruleID: "correctif", matchedText: "correctif", field: "summary")])
    }
}
