import ArgumentParser
import Foundation

/// `cyberveille init DIR`: a working site folder that runs with no other file.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a site folder: a commented cyberveille.toml, the production sources, var/ for the database.",
        discussion: "Templates, rules and demo feeds stay those of the installation until copied into the folder (see the file's [paths]).")
    @Argument(help: "The folder to create (or an empty one).") var directory: String

    func run() throws {
        try reportingFailure {
            let folder = URL(fileURLWithPath: directory)
            let configuration = folder.appendingPathComponent("cyberveille.toml")
            let sources = folder.appendingPathComponent("Feeds/sources.toml")
            for file in [configuration, sources] where FileManager.default.fileExists(atPath: file.path) {
                throw InitError("\(file.path): already exists; init writes only into a new folder (nothing changed)")
            }
            guard let example = Installation.shipped("cyberveille.example.toml"),
                  let productionSources = Installation.shipped("Feeds/sources.toml") else {
                throw InitError("cyberveille.example.toml: not found beside this binary (share/cyberveille) nor here; install with scripts/install")
            }
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("Feeds"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("var"), withIntermediateDirectories: true)
            try Self.siteConfiguration(from: try String(contentsOfFile: example, encoding: .utf8))
                .write(to: configuration, atomically: true, encoding: .utf8)
            try FileManager.default.copyItem(atPath: productionSources, toPath: sources.path)
            let shared = Installation.shareDirectory.map { "the installation's (\($0))" } ?? "those of the folder the commands run in"
            print("""
                \(directory): created
                  cyberveille.toml     the configuration: set [site] base_url (still the example's), title, and [fetch] contact_url
                  Feeds/sources.toml   the feeds polled: the production sources; add or remove [[source]] tables
                  var/                 the database, created by the first run

                Next:
                  cd \(directory)
                  cyberveille run --demo       # the demo site from bundled feeds, no network, into Output/
                  cyberveille run              # the real sources (network), into Output/
                  cyberveille users add NAME   # an editor, for the desk (cyberveille serve)

                Templates, tagging and urgency rules and the products list are \(shared): copy them into the folder and set [paths] to change them.
                """)
        }
    }

    /// The example configuration for a site folder: its own header, and the templates and rules
    /// left to their defaults (commented), so that an installation's copies are found.
    static func siteConfiguration(from example: String) -> String {
        var lines = example.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // The example's own header says to copy it; this file is the copy.
        while let first = lines.first, first.hasPrefix("#") { lines.removeFirst() }
        let header = """
            # cyberveille configuration of this site folder, made by `cyberveille init`. Every key is optional;
            # commands run in this folder read it. Precedence: command-line flag, then environment variable
            # (CYBERVEILLE_*), then this file, then the default. Reference: docs/configuration.md.
            """
        let defaultsElsewhere = ["templates", "rules", "urgency_rules", "products"]
        lines = lines.map { line in
            guard let key = line.split(separator: "=").first.map({ $0.trimmingCharacters(in: .whitespaces) }),
                  defaultsElsewhere.contains(key) else { return line }
            return "# " + line
        }
        return header + "\n" + lines.joined(separator: "\n")
    }
}

struct InitError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
