import Config
import Foundation
import Logging

@testable import Pipeline

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Settings of a demo run (Feeds/demo, the repository's templates and rules) whose database and
/// site live in `directory`.
func demoSettings(in directory: URL) throws -> Settings {
    var settings = try Settings.resolve(
        SettingsOverrides(databasePath: directory.appendingPathComponent("var/demo.sqlite").path,
                          outputDirectory: directory.appendingPathComponent("Output").path,
                          sourcesPath: root.appendingPathComponent("Feeds/demo/sources.toml").path,
                          baseURL: "https://veille.example.org/", demo: true),
        environment: [:])
    settings.templatesDirectory = root.appendingPathComponent("Templates").path
    settings.rulesPath = root.appendingPathComponent("Feeds/tagging.toml").path
    return settings
}

/// A demo run's environment (quiet logger) in a new folder under the temporary directory, named
/// after `name`; `configure` adjusts its settings first. The caller removes the folder.
func demoEnvironment(_ name: String, configure: (inout Settings) -> Void = { _ in }) throws -> (environment: RunEnvironment, directory: URL) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-\(name)-\(UUID().uuidString)")
    var settings = try demoSettings(in: directory)
    configure(&settings)
    return (try RunEnvironment(settings: settings, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })), directory)
}
