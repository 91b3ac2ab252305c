import Foundation
import Model

#if canImport(Glibc)
import Glibc
#endif

/// Two folders take turns: the output folder, which is served, and beside it `.NAME.previous`,
/// the publication before, kept for `publish --rollback`. A publication updates the previous
/// publication's folder in place into the new site (only files whose fingerprint changed are
/// written, files gone are removed), then exchanges the two folders in one atomic rename
/// (renameat2 with RENAME_EXCHANGE). So the output path always holds a complete site, and the
/// daily run costs what changed, not the size of the archive.
///
/// The folder being updated loses its manifest before its first change: a run stopped half-way
/// leaves it unknown, the next run rebuilds it whole, and rollback refuses it. The output folder
/// is replaced only if cyberveille wrote it (marker file), never someone else's folder.
///
/// The first publication has no previous folder to update: the site is written whole, and a
/// twin of it is made beside (the same folders, the files hard-linked) to become the previous
/// folder, so that the next publication is incremental. Making folders is most of the kernel's
/// share of a full build (a hundred thousand item folders per tree): it is done on queues of its
/// own, one per tree, while pages are rendered, since two threads making folders in one parent
/// only wait on each other's lock.
///
/// Sendable for `writePrepared` only, which touches no state: `prepare` and every other method
/// change the folder's state and are called from one thread.
final class StagingDirectory: @unchecked Sendable {
    static let marker = ".cyberveille-site"
    static let manifestName = ".cyberveille-manifest.tsv"
    /// In a folder cloned from the output (hard links) after a first publication, so that the
    /// next one is incremental: it is not an earlier publication, and rollback refuses it.
    static let cloneMarker = ".cyberveille-clone"
    /// In the folder from the moment it is complete until it is swapped in: if the swap fails,
    /// the folder beside holds a site that was never published, and rollback refuses it.
    static let unpublishedMarker = ".cyberveille-unpublished"

    let output: URL
    /// The folder being written: the previous publication, becoming the new one.
    let url: URL
    /// What the folder holds, by path: each file's fingerprint. Empty: a new folder.
    let known: [String: String]
    private var changing = false
    private var existingDirectories = Set<String>([""])
    /// Makes the folder's new folders, in order, off the writers' threads.
    private let folderQueue = DispatchQueue(label: "cyberveille.staging.folders")
    /// The first publication's twin (nil otherwise), whose folders are made on a queue of their own.
    private let twin: Twin?

    init(for output: URL) throws {
        self.output = output
        let parent = output.deletingLastPathComponent()
        url = Self.previousSite(of: output)
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw PublishError("\(parent.path): cannot create the folder (\(error.localizedDescription))")
        }
        try Self.checkReplaceable(output)
        Self.removeLeftovers(of: output, in: parent)
        // Left only by a run stopped between the swap and its last step: the site was published.
        unlink(output.appendingPathComponent(Self.unpublishedMarker).path)
        twin = FileManager.default.fileExists(atPath: output.path)
            ? nil : Twin(url: parent.appendingPathComponent(".\(output.lastPathComponent).twin-\(Self.uniqueSuffix)"))
        if let manifest = Self.readManifest(in: url) {
            known = manifest
        } else {
            // Missing, or left half-updated by an interrupted run: rebuilt whole.
            known = [:]
            if FileManager.default.fileExists(atPath: url.path) {
                do {
                    try FileManager.default.removeItem(at: url)
                } catch {
                    throw PublishError("\(url.path): cannot remove an incomplete site (\(error.localizedDescription))")
                }
            }
            do {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                try Self.writeMarker(in: url)
            } catch {
                throw PublishError("\(url.path): cannot create the staging folder (\(error.localizedDescription))")
            }
        }
    }

    /// Writes a file (a new inode: the folder may share files with the served site through hard links).
    func write(_ text: String, to relativePath: String) throws {
        var text = text
        try text.withUTF8 { try write(bytes: $0, to: relativePath) }
    }

    func write(bytes: UnsafeBufferPointer<UInt8>, to relativePath: String) throws {
        try makeFolders(prepare([relativePath])).wait()
        try writePrepared(bytes: bytes, to: relativePath)
    }

    /// What writing files changes besides the files (the manifest goes, their folders are
    /// counted as made), done in order on the caller's thread, so that `writePrepared` may be
    /// called from several threads. Returns the new folders, outermost first, for `makeFolders`.
    func prepare(_ relativePaths: [String]) throws -> [String] {
        try beginChanges()
        var folders: [String] = []
        for path in relativePaths { Self.appendNewFolders(of: path, to: &folders, known: &existingDirectories) }
        return folders
    }

    /// Starts making folders `prepare` returned, in order after those asked before; `wait()` on
    /// the result before writing in them. The twin's are made too, on its own queue.
    func makeFolders(_ folders: [String]) -> FolderBatch {
        let batch = FolderBatch()
        guard !folders.isEmpty else { return batch }
        twin?.make(folders)
        batch.group.enter()
        let root = url.path
        folderQueue.async {
            do { try Self.makeFolders(folders, under: root) } catch { batch.failure = error }
            batch.group.leave()
        }
        return batch
    }

    /// Folders being made; `wait()` returns once they are, or throws why one could not be.
    final class FolderBatch: @unchecked Sendable {
        fileprivate let group = DispatchGroup()
        /// Set before `group` is left, read after it is waited for.
        fileprivate var failure: Error?

        func wait() throws {
            group.wait()
            if let failure { throw failure }
        }
    }

    /// Writes a file whose `prepare` was done and whose folders are made; safe from several
    /// threads at once.
    func writePrepared(bytes: UnsafeBufferPointer<UInt8>, to relativePath: String) throws {
        let path = url.path + "/" + relativePath
        unlink(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw PublishError("\(path): cannot write (\(String(cString: strerror(errno))))") }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw PublishError("\(path): cannot write (\(String(cString: strerror(errno))))")
            }
            offset += written
        }
    }

    /// Puts the new site in place of the served one; `manifest`: every file of the new site
    /// with its fingerprint, listed in `order`. Files of the previous publication that the new
    /// one lacks go first.
    func commit(manifest: [String: String], order: [String]) throws {
        for file in known.keys where manifest[file] == nil { try remove(file) }
        try beginChanges()
        var lines = ""
        lines.reserveCapacity(order.count * 80)
        for file in order {
            lines += manifest[file]!
            lines += "\t"
            lines += file
            lines += "\n"
        }
        try write(lines, to: Self.manifestName)
        try write("", to: Self.unpublishedMarker)
        unlink(url.appendingPathComponent(Self.cloneMarker).path)
        try Self.checkReplaceable(output)
        guard FileManager.default.fileExists(atPath: output.path) else {
            // A first publication: nothing to exchange with.
            guard rename(url.path, output.path) == 0 else {
                throw PublishError("\(output.path): cannot publish the new site (\(String(cString: strerror(errno))))")
            }
            unlink(output.appendingPathComponent(Self.unpublishedMarker).path)
            if let twin, twin.finish(linking: order, from: output) { rename(twin.url.path, url.path) }
            return
        }
        twin?.discard()
        try Self.exchange(url, output)
        unlink(output.appendingPathComponent(Self.unpublishedMarker).path)
    }

    /// Puts back the site as it was before the last publication, keeping the current one as the
    /// previous (a second rollback undoes the first).
    static func rollback(_ output: URL) throws {
        let previous = previousSite(of: output)
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: previous.appendingPathComponent(marker).path) else {
            throw PublishError("\(output.path): no previous site to roll back to (\(previous.lastPathComponent) is missing)")
        }
        guard !fileManager.fileExists(atPath: previous.appendingPathComponent(cloneMarker).path) else {
            throw PublishError("\(output.path): no previous site to roll back to (only one publication so far)")
        }
        guard !fileManager.fileExists(atPath: previous.appendingPathComponent(unpublishedMarker).path) else {
            throw PublishError("\(output.path): the site beside was built but never published (the swap failed); publish again")
        }
        guard readManifest(in: previous) != nil else {
            throw PublishError("\(output.path): the previous site was being updated when a publication was interrupted; "
                               + "publish again to rebuild it")
        }
        try exchange(previous, output)
    }

    /// The site before the last publication, kept beside the output folder for `publish --rollback`.
    static func previousSite(of output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).previous")
    }

    // MARK: - Files

    /// Before the first change the manifest goes: from then on the folder is not a known site.
    private func beginChanges() throws {
        guard !changing else { return }
        changing = true
        let manifest = url.appendingPathComponent(Self.manifestName).path
        guard unlink(manifest) == 0 || errno == ENOENT else {
            throw PublishError("\(manifest): cannot remove (\(String(cString: strerror(errno))))")
        }
    }

    private func remove(_ relativePath: String) throws {
        try beginChanges()
        unlink(url.path + "/" + relativePath)
        // Folders left empty (an item's folder) go too; rmdir fails on the others.
        var folder = (relativePath as NSString).deletingLastPathComponent
        while !folder.isEmpty, rmdir(url.path + "/" + folder) == 0 {
            existingDirectories.remove(folder)
            folder = (folder as NSString).deletingLastPathComponent
        }
    }

    /// Appends the folders of the path missing from `known`, outermost first, and adds them to `known`.
    private static func appendNewFolders(of relativePath: String, to folders: inout [String], known: inout Set<String>) {
        let start = folders.count
        var folder = (relativePath as NSString).deletingLastPathComponent
        while !folder.isEmpty, known.insert(folder).inserted {
            folders.append(folder)
            folder = (folder as NSString).deletingLastPathComponent
        }
        folders[start...].reverse()
    }

    /// mkdir for each folder, each after its parent.
    private static func makeFolders(_ folders: [String], under root: String) throws {
        for folder in folders {
            let path = root + "/" + folder
            guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
                throw PublishError("\(path): cannot create the folder (\(String(cString: strerror(errno))))")
            }
        }
    }

    private static func writeMarker(in folder: URL) throws {
        try Data("Written by cyberveille; this folder is replaced whole on each publication.\n".utf8)
            .write(to: folder.appendingPathComponent(marker))
    }

    /// nil when the folder is not a complete site written by cyberveille.
    private static func readManifest(in folder: URL) -> [String: String]? {
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(marker).path),
              let data = FileManager.default.contents(atPath: folder.appendingPathComponent(manifestName).path) else { return nil }
        // Read as bytes: the manifest of a large site has a hundred thousand lines, read every run.
        var manifest: [String: String] = [:]
        let parsed = data.withUnsafeBytes { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            manifest.reserveCapacity(bytes.count / 60)
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                if end > start {
                    guard let tab = bytes[start..<end].firstIndex(of: 0x09) else { return false }
                    manifest[String(decoding: bytes[(tab + 1)..<end], as: UTF8.self)] = String(decoding: bytes[start..<tab], as: UTF8.self)
                }
                start = end + 1
            }
            return true
        }
        return parsed ? manifest : nil
    }

    /// The first publication's copy, to become the previous folder: its folders are made while
    /// the site is written, its files are the published site's, linked (no copy) once it is
    /// published. Best effort: without it the next publication writes every file.
    private final class Twin: @unchecked Sendable {
        let url: URL
        private let queue = DispatchQueue(label: "cyberveille.staging.twin")
        /// Touched on `queue` only.
        private var failed = false
        /// Touched on the publishing thread only.
        private var made = Set<String>([""])

        init?(url: URL) {
            self.url = url
            do {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                try StagingDirectory.writeMarker(in: url)
                try Data().write(to: url.appendingPathComponent(StagingDirectory.cloneMarker))
            } catch {
                try? FileManager.default.removeItem(at: url)
                return nil
            }
        }

        /// Folders the staging folder is getting, made here too.
        func make(_ folders: [String]) {
            made.formUnion(folders)
            enqueue(folders)
        }

        /// Links the published site's files in; false (and the twin removed) when it could not.
        func finish(linking files: [String], from site: URL) -> Bool {
            var folders: [String] = []
            for file in files { StagingDirectory.appendNewFolders(of: file, to: &folders, known: &made) }
            enqueue(folders)
            guard !queue.sync(execute: { failed }) else {
                discard()
                return false
            }
            // From two threads: a large site has a hundred thousand files.
            let (from, to) = (site.path, url.path)
            let linked = files.concurrentMap { link(from + "/" + $0, to + "/" + $0) == 0 }
            guard !linked.contains(false),
                  link(from + "/" + StagingDirectory.manifestName, to + "/" + StagingDirectory.manifestName) == 0 else {
                discard()
                return false
            }
            return true
        }

        private func enqueue(_ folders: [String]) {
            guard !folders.isEmpty else { return }
            let root = url.path
            queue.async { [self] in
                guard !failed else { return }
                do { try StagingDirectory.makeFolders(folders, under: root) } catch { failed = true }
            }
        }

        func discard() {
            queue.sync {}
            try? FileManager.default.removeItem(at: url)
        }
    }

    // MARK: - Swapping

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    /// glibc has renameat2 since 2.28, but Swift's Glibc module does not declare it.
    private static let renameat2: RenameAt2? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2")
        .map { unsafeBitCast($0, to: RenameAt2.self) }
    private static let renameExchange: UInt32 = 1 << 1

    /// Swaps two folders in one step; where the file system cannot (EINVAL), in three renames
    /// with the output path missing for an instant.
    private static func exchange(_ folder: URL, _ output: URL) throws {
        if let renameat2, renameat2(AT_FDCWD, folder.path, AT_FDCWD, output.path, renameExchange) == 0 { return }
        let swap = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).rollback-\(uniqueSuffix)")
        guard rename(output.path, swap.path) == 0 else {
            throw PublishError("\(output.path): cannot publish the new site (\(String(cString: strerror(errno))))")
        }
        guard rename(folder.path, output.path) == 0 else {
            let reason = String(cString: strerror(errno))
            rename(swap.path, output.path)
            throw PublishError("\(output.path): cannot publish the new site (\(reason))")
        }
        rename(swap.path, folder.path)
    }

    /// Missing, empty, or written by us: anything else may be someone's files (`--output .`).
    private static func checkReplaceable(_ output: URL) throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: output.path, isDirectory: &isDirectory) else { return }
        let contents = (try? fileManager.contentsOfDirectory(atPath: output.path)) ?? []
        // A site from before the marker existed holds only what we write.
        let ours: Set<String> = ["index.html", "atom.xml", "assets"]
        guard isDirectory.boolValue, contents.isEmpty || contents.contains(marker) || Set(contents).isSubset(of: ours) else {
            throw PublishError("\(output.path): not replaced: it was not written by cyberveille (no \(marker) in it); "
                               + "empty it or choose another --output")
        }
    }

    /// Folders left by runs that crashed, and by earlier versions (runs hold the database lock,
    /// so none of these belongs to a run in progress). A crash in the middle of a three-rename
    /// swap leaves the served site under a rollback- name: it is put back first.
    private static func removeLeftovers(of output: URL, in parent: URL) {
        let name = output.lastPathComponent
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [])
            .filter { [".\(name).staging-", ".\(name).previous-", ".\(name).rollback-", ".\(name).twin-"].contains(where: $0.hasPrefix) }
        for leftover in leftovers {
            let path = parent.appendingPathComponent(leftover)
            if leftover.hasPrefix(".\(name).rollback-"), !FileManager.default.fileExists(atPath: output.path) {
                if rename(path.path, output.path) == 0 { continue }
            }
            try? FileManager.default.removeItem(at: path)
        }
    }

    private static var uniqueSuffix: String {
        "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    }
}
