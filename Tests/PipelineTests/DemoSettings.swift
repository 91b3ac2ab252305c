import Config
import Foundation

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
