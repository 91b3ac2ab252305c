import Foundation

/// A sibling folder the site is written into, then swapped with the output folder in two
/// renames, so the published site is always a complete one.
struct StagingDirectory {
    let output: URL
    let url: URL
    private let fileManager = FileManager.default

    init(for output: URL) throws {
        self.output = output
        let parent = output.deletingLastPathComponent()
        url = parent.appendingPathComponent(".\(output.lastPathComponent).staging-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            if fileManager.fileExists(atPath: url.path) { try fileManager.removeItem(at: url) }
            try fileManager.createDirectory(at: url, withIntermediateDirectories: true)
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

    func copyAssets(from assets: URL) throws {
        guard fileManager.fileExists(atPath: assets.path) else { return }
        do {
            try fileManager.copyItem(at: assets, to: url.appendingPathComponent("assets"))
        } catch {
            throw PublishError("\(assets.path): cannot copy the assets (\(error.localizedDescription))")
        }
    }

    func commit() throws {
        let previous = output.deletingLastPathComponent()
            .appendingPathComponent(".\(output.lastPathComponent).previous-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            if fileManager.fileExists(atPath: output.path) {
                try fileManager.moveItem(at: output, to: previous)
            }
            try fileManager.moveItem(at: url, to: output)
            if fileManager.fileExists(atPath: previous.path) { try fileManager.removeItem(at: previous) }
        } catch {
            // Put the previous site back if the swap failed half-way.
            if !fileManager.fileExists(atPath: output.path), fileManager.fileExists(atPath: previous.path) {
                try? fileManager.moveItem(at: previous, to: output)
            }
            throw PublishError("\(output.path): cannot publish the new site (\(error.localizedDescription))")
        }
    }

    func discard() {
        try? fileManager.removeItem(at: url)
    }
}
