import Advisories
import ArgumentParser
import Foundation

/// `cyberveille advisories verify FILE [--key FILE]…`: the checks the fetcher makes on an
/// advisory before reading it, on a document already on disk.
struct AdvisoriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advisories", abstract: "Work with security advisory documents (CSAF, CERT-FR).",
        subcommands: [VerifyCommand.self])

    struct VerifyCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check a document against the .sha512/.sha256 and .asc files beside it.",
            discussion: """
                Exits 0 only when every check present passes. A signature is checked against the keys given \
                with --key (the provider's OpenPGP public keys); without a key it is reported as not checked.
                """)

        @Argument(help: "The advisory document (e.g. icsma-24-254-01.json).") var file: String
        @Option(name: .customLong("key"), help: "A file holding the provider's OpenPGP public key (armored or binary); repeatable.")
        var keys: [String] = []
        @Flag(help: "Print the result as one JSON object.") var json = false

        func run() throws {
            func read(_ path: String) throws -> Data {
                do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                    throw fail("\(path): cannot read the file")
                }
            }
            func beside(_ suffix: String) -> Data? { try? Data(contentsOf: URL(fileURLWithPath: file + suffix)) }
            let document = try read(file)
            let keyData = try keys.map(read)
            let sha512 = beside(".sha512"), sha256 = beside(".sha256"), signature = beside(".asc")
            do {
                let verification = try DocumentVerifier(keys: keyData).verify(
                    document: document, sha512: sha512, sha256: sha256, signature: signature)
                if json {
                    print(Self.json(["file": file, "ok": true, "state": verification.state.rawValue, "detail": verification.detail]))
                } else {
                    print("\(file): \(verification.state.rawValue) (\(verification.detail))")
                }
            } catch let failure as VerificationFailure {
                if json {
                    print(Self.json(["file": file, "ok": false, "failed_check": failure.check, "error": failure.message]))
                    throw ExitCode(1)
                }
                throw fail("\(file): \(failure.check) check failed: \(failure.message)")
            }
        }

        private static func json(_ object: [String: Any]) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }
}
