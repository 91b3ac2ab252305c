import Foundation

/// Detached OpenPGP signatures (`.asc`, CSAF 7.1.19) checked with Debian's `gpgv` against the
/// provider's public keys only: a throwaway keyring holds exactly those keys, so that no key of
/// the machine's own keyrings can vouch for a document.
public struct SignatureCheck: Sendable {
    /// The provider's public keys, armored or binary.
    public var keys: [Data]
    public var gpgvPath: String
    /// gpgv is given this long; a hostile signature must not hold a round.
    public var timeoutSeconds: Double

    public init(keys: [Data], gpgvPath: String = "/usr/bin/gpgv", timeoutSeconds: Double = 20) {
        self.keys = keys
        self.gpgvPath = gpgvPath
        self.timeoutSeconds = timeoutSeconds
    }

    /// Returns the fingerprint of the key that made a good signature.
    public func verify(document: Data, signature: Data) throws -> String {
        guard !keys.isEmpty else { throw VerificationFailure(check: "signature", "no provider key to check it with") }
        guard FileManager.default.isExecutableFile(atPath: gpgvPath) else {
            throw VerificationFailure(check: "signature", "\(gpgvPath) not found (Debian's gpgv package checks signatures)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cyberveille-gpgv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        var keyring = Data()
        for key in keys {
            guard let binary = Self.dearmored(key) else {
                throw VerificationFailure(check: "signature", "a provider key is neither an armored nor a binary OpenPGP key")
            }
            keyring.append(binary)
        }
        let keyringURL = directory.appendingPathComponent("keys.gpg")
        let documentURL = directory.appendingPathComponent("document")
        let signatureURL = directory.appendingPathComponent("document.asc")
        try keyring.write(to: keyringURL)
        try document.write(to: documentURL)
        try signature.write(to: signatureURL)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: gpgvPath)
        process.arguments = ["--status-fd", "1", "--keyring", keyringURL.path, signatureURL.path, documentURL.path]
        process.environment = ["GNUPGHOME": directory.path, "LANG": "C"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw VerificationFailure(check: "signature", "gpgv took longer than \(Int(timeoutSeconds)) s")
        }
        let status = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return try Self.interpret(status: status, exitCode: process.terminationStatus)
    }

    /// gpgv's machine-readable status lines (doc/DETAILS of GnuPG) into a verdict.
    static func interpret(status: String, exitCode: Int32) throws -> String {
        var fields: [String: [String]] = [:]
        for line in status.split(whereSeparator: \.isNewline) where line.hasPrefix("[GNUPG:] ") {
            let parts = line.dropFirst(9).split(separator: " ").map(String.init)
            if let keyword = parts.first { fields[keyword] = Array(parts.dropFirst()) }
        }
        if let valid = fields["VALIDSIG"], let fingerprint = valid.first, exitCode == 0, fields["BADSIG"] == nil {
            return fingerprint
        }
        if let bad = fields["BADSIG"] {
            throw VerificationFailure(check: "signature", "BAD signature by key \(bad.first ?? "?"): the document or its signature was altered")
        }
        if let missing = fields["NO_PUBKEY"] ?? fields["ERRSIG"] {
            throw VerificationFailure(check: "signature", "made by key \(missing.first ?? "?"), which is not among the provider's keys")
        }
        if fields["NODATA"] != nil {
            throw VerificationFailure(check: "signature", "the signature file holds no OpenPGP signature")
        }
        throw VerificationFailure(check: "signature", "not verified (gpgv exit \(exitCode))")
    }

    /// The binary packets of an ASCII-armored key (RFC 4880 §6.2), or the data itself when it is
    /// already binary; nil when it is neither.
    static func dearmored(_ key: Data) -> Data? {
        let text = String(decoding: key, as: UTF8.self)
        guard text.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----") else {
            // A binary key starts with a packet tag: bit 7 set.
            return (key.first.map { $0 & 0x80 != 0 } ?? false) ? key : nil
        }
        var body = ""
        var inBlock = false
        var inHeaders = false
        for rawLine in text.components(separatedBy: .newlines) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----") {
                inBlock = true
                inHeaders = true
                continue
            }
            guard inBlock else { continue }
            if line.hasPrefix("-----END") { break }
            if inHeaders {
                if line.isEmpty { inHeaders = false; continue }
                if line.contains(":") { continue }
                inHeaders = false
            }
            if line.hasPrefix("=") { continue }  // the CRC-24 checksum line
            body += line
        }
        return Data(base64Encoded: body)
    }
}
