import Foundation
import Testing
import TestSupport

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let hasDpkgDeb = FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg-deb")

private func temporaryFolder(_ name: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cv-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// An installation used as an operator uses it: installed into a prefix, a site folder made by
/// `init`, run from that folder, far from the repository.
@Suite struct InstallTests {
    @Test func anInstalledBinaryRunsTheDemoFromASiteFolderAlone() throws {
        let work = try temporaryFolder("install")
        defer { try? FileManager.default.removeItem(at: work) }
        let prefix = work.appendingPathComponent("prefix")
        let installed = try CommandLineRun.run(program: URL(fileURLWithPath: "/bin/bash"), ["scripts/install", prefix.path], in: root,
                                               environment: ["CYBERVEILLE_BINARY": try CommandLineRun.executable().path])
        #expect(installed.status == 0, "\(installed.stderr)")
        let share = prefix.appendingPathComponent("share/cyberveille")
        for file in ["Templates/layout.mustache", "Templates/desk/queue.mustache", "Templates/root/README.md", "Feeds/tagging.toml",
                     "Feeds/urgency.toml", "Feeds/products.toml", "Feeds/sources.toml", "Feeds/demo/sources.toml", "cyberveille.example.toml"] {
            #expect(FileManager.default.fileExists(atPath: share.appendingPathComponent(file).path), "\(file) installed")
        }
        let binary = prefix.appendingPathComponent("bin/cyberveille")

        let created = try CommandLineRun.run(program: binary, ["init", "site"], in: work)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("cd site") && created.stdout.contains(share.path), "says what to do next, and where templates come from")
        let site = work.appendingPathComponent("site")
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.path).sorted() == ["Feeds", "cyberveille.toml", "var"])
        let again = try CommandLineRun.run(program: binary, ["init", "site"], in: work)
        #expect(again.status == 1 && again.stderr.contains("cyberveille.toml: already exists"), "init never overwrites")

        let run = try CommandLineRun.run(program: binary, ["run", "--demo", "--json"], in: site)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"feeds_failed\":0") && !run.stdout.contains("\"items_new\":0"), "\(run.stdout)")
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("Output/index.html").path))
        #expect(FileManager.default.fileExists(atPath: site.appendingPathComponent("Output/README.md").path))
        #expect(run.stderr.contains("base_url is still the example's"), "the example's base URL is pointed out on every run")
        #expect(!run.stderr.contains("cisa.gov"), "the demo needs no network, even with the example's KEV URL configured")
        // The production sources and configuration load as they are.
        let health = try CommandLineRun.run(program: binary, ["feeds", "list"], in: site)
        #expect(health.status == 0 && health.stdout.contains("certfr"), "\(health.stderr)")
    }

    @Test(.enabled(if: hasDpkgDeb, "dpkg-deb is not installed")) func theDebianPackageHoldsItsFilesUnitsAndMaintainerScripts() throws {
        let work = try temporaryFolder("deb")
        defer { try? FileManager.default.removeItem(at: work) }
        // A debug binary is large (100 MB): not compressed here.
        let built = try CommandLineRun.run(program: URL(fileURLWithPath: "/bin/bash"),
                                           ["scripts/package-deb", "--binary", try CommandLineRun.executable().path, "--output", work.path,
                                            "--compression", "none"], in: root)
        #expect(built.status == 0, "\(built.stderr)")
        let deb = try #require(try FileManager.default.contentsOfDirectory(atPath: work.path).first { $0.hasSuffix(".deb") })
        let path = work.appendingPathComponent(deb).path
        let dpkgDeb = URL(fileURLWithPath: "/usr/bin/dpkg-deb")

        let listing = try CommandLineRun.run(program: dpkgDeb, ["--contents", path], in: work).stdout
        for file in ["./usr/bin/cyberveille", "./usr/share/cyberveille/Templates/layout.mustache", "./usr/share/cyberveille/Feeds/urgency.toml",
                     "./usr/share/cyberveille/Feeds/demo/sources.toml", "./usr/share/cyberveille/cyberveille.example.toml",
                     "./lib/systemd/system/cyberveille.service", "./lib/systemd/system/cyberveille-desk.service",
                     "./lib/systemd/system/cyberveille-publish.service", "./lib/systemd/system/cyberveille-publish.timer"] {
            #expect(listing.contains(" \(file)\n"), "\(file) in the package")
        }
        let owners = Set(listing.split(separator: "\n").compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first })
        #expect(owners == ["root/root"], "every file owned by root, whoever built the package: \(owners)")

        let fields = try CommandLineRun.run(program: dpkgDeb, ["--field", path, "Package", "Depends"], in: work).stdout
        #expect(fields.contains("Package: cyberveille"))
        for library in ["libxml2", "libcurl4", "libsqlite3-0", "libstemmer0d", "adduser"] { #expect(fields.contains(library)) }

        let control = work.appendingPathComponent("control")
        #expect(try CommandLineRun.run(program: dpkgDeb, ["--control", path, control.path], in: work).status == 0)
        for script in ["postinst", "prerm", "postrm"] {
            let file = control.appendingPathComponent(script)
            #expect(FileManager.default.isExecutableFile(atPath: file.path), "\(script) executable")
            #expect(try CommandLineRun.run(program: URL(fileURLWithPath: "/bin/sh"), ["-n", file.path], in: work).status == 0, "\(script) parses")
        }
        let postinst = try String(contentsOf: control.appendingPathComponent("postinst"), encoding: .utf8)
        #expect(postinst.contains("adduser --system --group --home /var/lib/cyberveille"))
        #expect(postinst.contains("/usr/bin/cyberveille init /var/lib/cyberveille"))
        #expect(!postinst.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("systemctl enable") },
                "services wait for the operator's base_url")
        let postrm = try String(contentsOf: control.appendingPathComponent("postrm"), encoding: .utf8)
        #expect(!postrm.contains("rm -rf"), "the database of declarations is never deleted by the package")
        let unit = try String(contentsOf: root.appendingPathComponent("scripts/debian/cyberveille.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/bin/cyberveille daemon") && unit.contains("WorkingDirectory=/var/lib/cyberveille")
                && unit.contains("ReadWritePaths=/var/lib/cyberveille"))
    }
}
