import Advisories
import Foundation
import Model
import Testing
import TestSupport

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
private let sharedCSAF = SharedCorpus.url("realworld/csaf")

private func fixture(_ name: String) throws -> Data { try Data(contentsOf: fixtures.appendingPathComponent(name)) }

@Suite struct VerificationTests {
    @Test func aSignedDocumentVerifiesWithItsProvidersKey() throws {
        let verifier = DocumentVerifier(keys: [try fixture("provider-key.asc")])
        let verification = try verifier.verify(
            document: try fixture("example-2026-0001.json"), sha512: try fixture("example-2026-0001.json.sha512"),
            sha256: nil, signature: try fixture("example-2026-0001.json.asc"))
        #expect(verification.state == .signed)
        #expect(verification.detail.contains("sha512 ok"))
        #expect(verification.detail.contains("signature good, key 658FFD0FAC810D4714BAE4C499F0E6A8D9F58132"))
    }

    @Test func oneAlteredByteFailsTheHashAndTheSignature() throws {
        var altered = try fixture("example-2026-0001.json")
        let index = altered.firstIndex(of: UInt8(ascii: "9"))!  // the 9.8 base score becomes 8.8
        altered[index] = UInt8(ascii: "8")
        let verifier = DocumentVerifier(keys: [try fixture("provider-key.asc")])
        #expect(throws: VerificationFailure.self) {
            try verifier.verify(document: altered, sha512: try fixture("example-2026-0001.json.sha512"), sha256: nil, signature: nil)
        }
        do {
            _ = try verifier.verify(document: altered, sha512: nil, sha256: nil, signature: try fixture("example-2026-0001.json.asc"))
            Issue.record("an altered document passed its signature check")
        } catch let failure as VerificationFailure {
            #expect(failure.check == "signature")
            #expect(failure.message.contains("BAD signature"))
        }
        do {
            _ = try verifier.verify(document: altered, sha512: nil, sha256: try fixture("example-2026-0001.json.sha256"), signature: nil)
            Issue.record("an altered document passed its sha256 check")
        } catch let failure as VerificationFailure {
            #expect(failure.description.hasPrefix("sha256: the document does not match its published digest"))
        }
    }

    @Test(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing))) func aSignatureByAnotherKeyIsRefusedAndNoKeyMeansHashOnly() throws {
        let document = try fixture("example-2026-0001.json")
        let signature = try fixture("example-2026-0001.json.asc")
        let otherKey = try Data(contentsOf: sharedCSAF.appendingPathComponent("stackable/csaf/v2/openpgp/A2A781A51BC3B8C6.txt"))
        do {
            _ = try DocumentVerifier(keys: [otherKey]).verify(document: document, sha512: nil, sha256: nil, signature: signature)
            Issue.record("a signature by a key the provider does not hold passed")
        } catch let failure as VerificationFailure {
            #expect(failure.message.contains("not among the provider's keys"), "\(failure)")
        }
        let unkeyed = try DocumentVerifier(keys: []).verify(
            document: document, sha512: try fixture("example-2026-0001.json.sha512"), sha256: nil, signature: signature)
        #expect(unkeyed.state == .hashVerified)
        #expect(unkeyed.detail == "sha512 ok; signature present, not checked: no provider key")
        #expect(try DocumentVerifier(keys: []).verify(document: document, sha512: nil, sha256: nil, signature: nil).state == .unverified)
    }

    @Test func garbageHashAndSignatureFilesAreClearErrors() throws {
        let document = try fixture("example-2026-0001.json")
        #expect(throws: VerificationFailure(check: "sha512", "the hash file holds no sha512 digest")) {
            try HashFile.check(document, against: Data("not a digest\n".utf8), algorithm: .sha512)
        }
        do {
            _ = try SignatureCheck(keys: [try fixture("provider-key.asc")]).verify(document: document, signature: Data("garbage".utf8))
            Issue.record("garbage passed as a signature")
        } catch let failure as VerificationFailure {
            #expect(failure.check == "signature")
        }
    }

    /// Every CSAF document of the shared corpus matches its published .sha512; the stackable
    /// ones are signed by a key its openpgp/ folder does not hold (31905DED3EFD610A), which
    /// verification reports instead of passing.
    @Test(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing))) func everyCorpusDocumentMatchesItsPublishedDigest() throws {
        let files = try #require(FileManager.default.enumerator(at: sharedCSAF, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }
        #expect(files.count >= 300)
        var hashed = 0
        var signaturesPresent = 0
        for file in files {
            let sha512 = try? Data(contentsOf: URL(fileURLWithPath: file.path + ".sha512"))
            let signature = try? Data(contentsOf: URL(fileURLWithPath: file.path + ".asc"))
            let verification = try DocumentVerifier(keys: []).verify(
                document: try Data(contentsOf: file), sha512: sha512, sha256: nil, signature: signature)
            if verification.state == .hashVerified { hashed += 1 }
            if signature != nil { signaturesPresent += 1 }
        }
        print("CSAF corpus: \(files.count) documents, \(hashed) match their .sha512, \(signaturesPresent) carry an .asc")
        #expect(hashed == files.count)
    }
}
