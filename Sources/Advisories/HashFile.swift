import Foundation
import Model

/// A failed check of a document; names the check ("sha512", "sha256", "signature").
public struct VerificationFailure: Error, CustomStringConvertible, Sendable, Equatable {
    public var check: String
    public var message: String

    public init(check: String, _ message: String) {
        self.check = check
        self.message = message
    }

    public var description: String { "\(check): \(message)" }
}

/// The `.sha256` / `.sha512` files of CSAF (7.1.18): the hex digest, optionally followed by
/// the file name, as `sha512sum` writes it.
public enum HashFile {
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha512, sha256

        var hexLength: Int { self == .sha512 ? 128 : 64 }

        func digest(_ data: Data) -> String {
            switch self {
            case .sha512: return SHA2.hex(SHA2.sha512(data))
            case .sha256: return SHA2.hex(SHA2.sha256(data))
            }
        }
    }

    /// Checks `document` against the hash file; the error says what was expected and found.
    public static func check(_ document: Data, against hashFile: Data, algorithm: Algorithm) throws {
        let text = String(decoding: hashFile.prefix(4096), as: UTF8.self)
        guard let expected = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0.isNewline }).first.map({ $0.lowercased() }),
              expected.count == algorithm.hexLength, expected.allSatisfy(\.isHexDigit) else {
            throw VerificationFailure(check: algorithm.rawValue, "the hash file holds no \(algorithm.rawValue) digest")
        }
        let actual = algorithm.digest(document)
        guard actual == expected else {
            throw VerificationFailure(check: algorithm.rawValue,
                                      "the document does not match its published digest (expected \(expected.prefix(16))…, got \(actual.prefix(16))…)")
        }
    }

    public static func hexDigest(_ data: Data, _ algorithm: Algorithm = .sha256) -> String { algorithm.digest(data) }
}
