import Foundation

/// The external corpora (conformance cases, real-world feeds, CSAF, KEV, relevance records):
/// `$CYBERVEILLE_CORPUS`, else `../shared/corpus` beside the repository. A fresh clone has
/// neither, and the tests that read them are skipped, with `SharedCorpus.missing` as reason.
public enum SharedCorpus {
    public static let root: URL = {
        if let configured = ProcessInfo.processInfo.environment["CYBERVEILLE_CORPUS"], !configured.isEmpty {
            return URL(fileURLWithPath: configured)
        }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    }()

    /// Whether the corpora are there (their real-world part, which every such test reads).
    public static let isAvailable = FileManager.default.fileExists(atPath: root.appendingPathComponent("realworld").path)

    public static let missing = "needs the external corpora: set CYBERVEILLE_CORPUS or put shared/corpus beside the repository"

    public static func url(_ path: String) -> URL { root.appendingPathComponent(path) }
}
