import Foundation

/// The `cyberveille` executable built beside the test bundle, run as a person or a cron job runs it.
public enum CommandLineRun {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The executable (`swift build --build-tests` builds it next to the tests).
    public static func executable() throws -> URL {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("cyberveille") }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CommandLineRunError(description: "build the executable first (swift build --build-tests builds it)")
        }
        return found
    }

    /// Runs `cyberveille ARGUMENTS` in `directory` to its end, without any CYBERVEILLE_* variable
    /// of the caller's environment (`environment` adds some).
    public static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Result {
        try run(program: try executable(), arguments, in: directory, environment: environment)
    }

    /// Any program (a script of the repository, dpkg-deb) run the same way.
    public static func run(program: URL, _ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var variables = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CYBERVEILLE_") }
        variables.merge(environment) { _, new in new }
        process.environment = variables
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Both pipes drained at once: a full pipe would block the child.
        let drained = DispatchGroup()
        nonisolated(unsafe) var stdout = Data()
        drained.enter()
        DispatchQueue.global().async {
            stdout = output.fileHandleForReading.readDataToEndOfFile()
            drained.leave()
        }
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

public struct CommandLineRunError: Error, CustomStringConvertible {
    public var description: String
}
