import Config
import Foundation

/// The interface's words in the site's language, from `Templates/locales/LANG.toml` (flat
/// `key = "text"` pairs), so that translating the portal needs no rebuild. Templates read them
/// as `{{t.key}}`. A key missing from the chosen language falls back to French, the reference.
struct SiteStrings {
    let values: [String: String]

    init(templatesDirectory: String, language: String) throws {
        let folder = URL(fileURLWithPath: templatesDirectory).appendingPathComponent("locales")
        let reference = try Self.load(folder.appendingPathComponent("fr.toml").path)
        let code = String(language.prefix(2)).lowercased()
        let chosen = code == "fr" ? [:] : try Self.load(folder.appendingPathComponent("\(code).toml").path)
        values = reference.merging(chosen) { _, chosen in chosen }
    }

    private static func load(_ path: String) throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PublishError("\(path): locale file missing (interface strings of the site)")
        }
        let file = try TOMLFile(path: path)
        return try file.rootEntry.stringTable()
    }

    subscript(_ key: String) -> String { values[key] ?? key }
}
