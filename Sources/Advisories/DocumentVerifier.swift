import Foundation
import Model

/// Checks one advisory document against the files published beside it: its digest
/// (`.sha512`, else `.sha256`) and its detached signature (`.asc`). A check that is present
/// must pass; the result says which checks were made.
public struct DocumentVerifier: Sendable {
    public var signatures: SignatureCheck

    public init(keys: [Data]) {
        signatures = SignatureCheck(keys: keys)
    }

    public func verify(document: Data, sha512: Data?, sha256: Data?, signature: Data?) throws -> DocumentVerification {
        var checks: [String] = []
        var hashed = false
        if let sha512 {
            try HashFile.check(document, against: sha512, algorithm: .sha512)
            checks.append("sha512 ok")
            hashed = true
        } else if let sha256 {
            try HashFile.check(document, against: sha256, algorithm: .sha256)
            checks.append("sha256 ok")
            hashed = true
        }
        var signed = false
        if let signature {
            if signatures.keys.isEmpty {
                checks.append("signature present, not checked: no provider key")
            } else {
                let fingerprint = try signatures.verify(document: document, signature: signature)
                checks.append("signature good, key \(fingerprint)")
                signed = true
            }
        }
        if checks.isEmpty { return DocumentVerification(state: .unverified, detail: "no hash or signature published") }
        let state: DocumentVerification.State = signed ? .signed : (hashed ? .hashVerified : .unverified)
        return DocumentVerification(state: state, detail: checks.joined(separator: "; "))
    }
}
