import Foundation

/// A sibling folder the site is written into, then swapped with the output folder in two
/// renames, so the published site is always a complete one. The output folder is replaced whole,
/// so a folder that cyberveille did not write (no marker file) is never replaced.
struct StagingDirectory {
    static let marker = ".cyberveille-site"

    let output: URL
    let url: URL
    private let fileManager = FileManager.default

    init(for output: URL) throws {
        self.output = output
        let parent = output.deletingLastPathComponent()
        url = parent.appendingPathComponent(".\(output.lastPathComponent).staging-\(Self.uniqueSuffix)")
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            Self.removeLeftovers(of: output, in: parent)
            if fileManager.fileExists(atPath: url.path) { try fileManager.removeItem(at: url) }
            try fileManager.createDirectory(at: url, withIntermediateDirectories: true)
            try Data("Written by cyberveille; this folder is replaced whole on each publication.\n".utf8)
                .write(to: url.appendingPathComponent(Self.marker))
        } catch {
            throw PublishError("\(url.path): cannot create the staging folder (\(error.localizedDescription))")
        }
    }

    func write(_ text: String, to relativePath: String) throws {
        let file = url.appendingPathComponent(relativePath)
        do {
            try fileManager.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        } catch {
            throw PublishError("\(file.path): cannot write (\(error.localizedDescription))")
        }
    }

    /// Takes an already published file into the new site (a hard link: no copy, same bytes);
    /// false when it cannot, and the page is then rendered again.
    func reuse(_ published: URL, as relativePath: String) -> Bool {
        let file = url.appendingPathComponent(relativePath)
        do {
            try fileManager.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fileManager.linkItem(at: published, to: file)
            return true
        } catch {
            return false
        }
    }

    func copyAssets(from assets: URL) throws {
        guard fileManager.fileExists(atPath: assets.path) else { return }
        do {
            try fileManager.copyItem(at: assets, to: url.appendingPathComponent("assets"))
        } catch {
            throw PublishError("\(assets.path): cannot copy the assets (\(error.localizedDescription))")
        }
    }

    /// The site before the last publication, kept beside the output folder for `publish --rollback`.
    static func previousSite(of output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).previous")
    }

    func commit() throws {
        try checkReplaceable()
        let previous = Self.previousSite(of: output)
        let outgoing = output.deletingLastPathComponent()
            .appendingPathComponent(".\(output.lastPathComponent).previous-\(Self.uniqueSuffix)")
        do {
            if fileManager.fileExists(atPath: output.path) {
                try fileManager.moveItem(at: output, to: outgoing)
            }
            try fileManager.moveItem(at: url, to: output)
        } catch {
            // Put the previous site back if the swap failed half-way.
            if !fileManager.fileExists(atPath: output.path), fileManager.fileExists(atPath: outgoing.path) {
                try? fileManager.moveItem(at: outgoing, to: output)
            }
            throw PublishError("\(output.path): cannot publish the new site (\(error.localizedDescription))")
        }
        // The new site is in place; the one it replaced becomes the version kept for rollback.
        if fileManager.fileExists(atPath: outgoing.path) {
            try? fileManager.removeItem(at: previous)
            try? fileManager.moveItem(at: outgoing, to: previous)
        }
    }

    /// Puts the previous site back, keeping the current one as the previous (a second rollback
    /// undoes the first). Three renames; the output folder is missing for an instant only.
    static func rollback(_ output: URL) throws {
        let fileManager = FileManager.default
        let previous = previousSite(of: output)
        guard fileManager.fileExists(atPath: previous.appendingPathComponent(marker).path) else {
            throw PublishError("\(output.path): no previous site to roll back to (\(previous.lastPathComponent) is missing)")
        }
        let swap = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).rollback-\(uniqueSuffix)")
        do {
            try fileManager.moveItem(at: output, to: swap)
            try fileManager.moveItem(at: previous, to: output)
            try fileManager.moveItem(at: swap, to: previous)
        } catch {
            if !fileManager.fileExists(atPath: output.path), fileManager.fileExists(atPath: swap.path) {
                try? fileManager.moveItem(at: swap, to: output)
            }
            throw PublishError("\(output.path): cannot roll back (\(error.localizedDescription))")
        }
    }

    /// Missing, empty, or written by us: anything else may be someone's files (`--output .`).
    private func checkReplaceable() throws {
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: output.path, isDirectory: &isDirectory) else { return }
        let contents = (try? fileManager.contentsOfDirectory(atPath: output.path)) ?? []
        // A site from before the marker existed holds only what we write.
        let ours: Set<String> = ["index.html", "atom.xml", "assets"]
        guard isDirectory.boolValue, contents.isEmpty || contents.contains(Self.marker) || Set(contents).isSubset(of: ours) else {
            throw PublishError("\(output.path): not replaced: it was not written by cyberveille (no \(Self.marker) in it); "
                               + "empty it or choose another --output")
        }
    }

    /// Staging and previous copies left by a run that crashed (runs hold the database lock, so
    /// none of these belongs to a run in progress).
    private static func removeLeftovers(of output: URL, in parent: URL) {
        let prefixes = [".\(output.lastPathComponent).staging-", ".\(output.lastPathComponent).previous-",
                        ".\(output.lastPathComponent).rollback-"]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        where prefixes.contains(where: { name.hasPrefix($0) }) {
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
        }
    }

    private static var uniqueSuffix: String {
        "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    }

    func discard() {
        try? fileManager.removeItem(at: url)
    }
}
