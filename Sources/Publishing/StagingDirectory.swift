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
/// Nothing on disk is taken on trust: before a folder is updated, every file in it is checked
/// against its manifest line (a regular file, of the size and modification time written down
/// when it was written); a file that differs (truncated, replaced, deleted) is written again,
/// and whatever the publisher did not write (a planted file, a symbolic link, a device) is
/// removed. `full` rebuilds both folders from nothing.
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

    /// A file as the manifest knows it: what it was made from, and how it was left on disk.
    struct ManifestEntry: Sendable, Equatable {
        var fingerprint: String
        var stamp: FileStamp
    }

    /// Size and modification time (nanoseconds) of a file as written: a cheap check that it is
    /// still the file written.
    struct FileStamp: Sendable, Equatable {
        var size: Int64
        var modified: Int64
    }

    let output: URL
    /// The folder being written: the previous publication, becoming the new one.
    let url: URL
    /// What the folder holds intact, by path. Empty: a new folder.
    var known: [String: ManifestEntry] {
        settle()
        return knownFiles
    }
    /// Files found changed or missing, and things found that the publisher did not write.
    var repaired: Int {
        settle()
        return repairedCount
    }
    private var knownFiles: [String: ManifestEntry] = [:]
    /// Its folders found intact, with their modification times.
    private var knownFolders: [String: Int64] = [:]
    /// Folders whose content changes in this update: stamped again at the commit.
    private var touchedFolders = Set<String>()
    private var repairedCount = 0
    /// The inspection of the folder runs beside the first steps of the publication (reading
    /// items, fingerprinting pages) and is waited for before anything reads or changes the folder.
    private let inspection: PendingInspection?
    private var settled = false
    /// Lines of the manifest read (files and folders of the site before), for sizing.
    let expectedFileCount: Int
    private var changing = false
    private var existingDirectories = Set<String>([""])
    /// Makes the folder's new folders, in order, off the writers' threads.
    private let folderQueue = DispatchQueue(label: "cyberveille.staging.folders")
    /// The first publication's twin (nil otherwise), whose folders are made on a queue of their own.
    private let twin: Twin?

    init(for output: URL, full: Bool = false) throws {
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
        // A full rebuild writes the folder from nothing and, once it is published, replaces the
        // other folder with a twin of it, as a first publication does.
        twin = FileManager.default.fileExists(atPath: output.path) && !full
            ? nil : Twin(url: parent.appendingPathComponent(".\(output.lastPathComponent).twin-\(Self.uniqueSuffix)"))
        if !full, FileManager.default.fileExists(atPath: url.appendingPathComponent(Self.marker).path),
           let data = FileManager.default.contents(atPath: url.appendingPathComponent(Self.manifestName).path) {
            inspection = PendingInspection(of: url, manifest: data)
            expectedFileCount = data.count / 60
        } else {
            inspection = nil
            expectedFileCount = 0
        }
        if inspection == nil {
            // Missing, or left half-updated by an interrupted run: rebuilt whole.
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
    @discardableResult
    func write(_ text: String, to relativePath: String) throws -> FileStamp {
        var text = text
        return try text.withUTF8 { try write(bytes: $0, to: relativePath) }
    }

    @discardableResult
    func write(bytes: UnsafeBufferPointer<UInt8>, to relativePath: String) throws -> FileStamp {
        try makeFolders(prepare([relativePath])).wait()
        return try writePrepared(bytes: bytes, to: relativePath)
    }

    /// What writing files changes besides the files (the manifest goes, their folders are
    /// counted as made), done in order on the caller's thread, so that `writePrepared` may be
    /// called from several threads. Returns the new folders, outermost first, for `makeFolders`.
    func prepare(_ relativePaths: [String]) throws -> [String] {
        try beginChanges()
        var folders: [String] = []
        for path in relativePaths {
            Self.appendNewFolders(of: path, to: &folders, known: &existingDirectories)
            touchedFolders.insert(SiteInspection.parent(of: path))
        }
        for folder in folders { touchedFolders.insert(folder) }  // made, or made again: its parent changes too
        for folder in folders { touchedFolders.insert(SiteInspection.parent(of: folder)) }
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
    /// threads at once. Returns the file's stamp, for the manifest.
    func writePrepared(bytes: UnsafeBufferPointer<UInt8>, to relativePath: String) throws -> FileStamp {
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
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw PublishError("\(path): cannot read back (\(String(cString: strerror(errno))))") }
        return Self.stamp(status)
    }

    static func stamp(_ status: stat) -> FileStamp {
        FileStamp(size: Int64(status.st_size), modified: Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec))
    }

    /// Puts the new site in place of the served one; `manifest`: every file of the new site
    /// with its fingerprint, listed in `order`. Files of the previous publication that the new
    /// one lacks go first.
    func commit(manifest: [String: ManifestEntry], order: [String]) throws {
        for file in known.keys where manifest[file] == nil { try remove(file) }
        try beginChanges()
        let folderOrder = SiteManifest.folders(of: order)
        let folders = try Self.stampFolders(folderOrder, in: url) { touchedFolders.contains($0) ? nil : knownFolders[$0] }
        let lines = SiteManifest.text(files: manifest, order: order, folders: folders, folderOrder: folderOrder)
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
            if let twin, twin.finish(linking: order, from: output, manifest: manifest) { rename(twin.url.path, url.path) }
            return
        }
        try Self.exchange(url, output)
        unlink(output.appendingPathComponent(Self.unpublishedMarker).path)
        // A full rebuild: the folder that was served (now beside) is replaced by a twin of the new site.
        if let twin {
            if twin.finish(linking: order, from: output, manifest: manifest) {
                try? FileManager.default.removeItem(at: url)
                rename(twin.url.path, url.path)
            } else {
                try? FileManager.default.removeItem(at: url)
            }
        }
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
        guard let manifest = readManifest(in: previous) else {
            throw PublishError("\(output.path): the previous site was being updated when a publication was interrupted; "
                               + "publish again to rebuild it")
        }
        let problems = SiteInspection.inspect(previous, against: manifest, ownFiles: ownFiles, repair: false).problems
        guard problems.isEmpty else {
            throw PublishError("\(output.path): the previous site was changed since it was published (\(problems.count) files, "
                               + "first \(problems[0])): it is not rolled back to; publish --full rebuilds both")
        }
        try exchange(previous, output)
    }

    /// The site before the last publication, kept beside the output folder for `publish --rollback`.
    static func previousSite(of output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).previous")
    }

    // MARK: - Files

    /// Waits for the inspection, once, and takes its findings.
    private func settle() {
        guard !settled else { return }
        settled = true
        guard let inspection else { return }
        inspection.group.wait()
        guard let result = inspection.result else {
            // Not a manifest of this format: the folder is rebuilt whole, as a missing one is.
            try? FileManager.default.removeItem(at: url)
            try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try? Self.writeMarker(in: url)
            return
        }
        knownFiles = result.files
        knownFolders = result.folders
        touchedFolders.formUnion(result.touched)
        repairedCount = result.problems.count
    }

    /// The folder's inspection, on a thread of its own.
    private final class PendingInspection: @unchecked Sendable {
        let group = DispatchGroup()
        /// Written before `group` is left; nil when the manifest could not be read.
        var result: SiteInspection.Result?

        init(of folder: URL, manifest: Data) {
            group.enter()
            DispatchQueue.global().async { [self] in
                if let manifest = SiteManifest(manifest) {
                    result = SiteInspection.inspect(folder, against: manifest, ownFiles: StagingDirectory.ownFiles, repair: true)
                }
                group.leave()
            }
        }
    }

    /// Before the first change the manifest goes: from then on the folder is not a known site.
    private func beginChanges() throws {
        settle()
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
        touchedFolders.insert(folder)
        while !folder.isEmpty, rmdir(url.path + "/" + folder) == 0 {
            existingDirectories.remove(folder)
            folder = (folder as NSString).deletingLastPathComponent
            touchedFolders.insert(folder)
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

    /// nil when the folder is not a complete site written by cyberveille (or its manifest is of
    /// an older format, without stamps: then the folder is rebuilt once).
    private static func readManifest(in folder: URL) -> SiteManifest? {
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(marker).path),
              let data = FileManager.default.contents(atPath: folder.appendingPathComponent(manifestName).path) else { return nil }
        return SiteManifest(data)
    }

    /// The publisher's own files at the top of a folder.
    static let ownFiles: Set<String> = [marker, manifestName, cloneMarker, unpublishedMarker]

    /// The modification time of each folder: `known`'s when it has one, else read now.
    static func stampFolders(_ folders: [String], in site: URL, known: (String) -> Int64?) throws -> [String: Int64] {
        let root = open(site.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard root >= 0 else { throw PublishError("\(site.path): cannot open (\(String(cString: strerror(errno))))") }
        defer { close(root) }
        var stamps: [String: Int64] = [:]
        stamps.reserveCapacity(folders.count)
        for folder in folders {
            if let time = known(folder) {
                stamps[folder] = time
                continue
            }
            var status = stat()
            guard fstatat(root, folder, &status, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw PublishError("\(site.path)/\(folder): cannot read (\(String(cString: strerror(errno))))")
            }
            stamps[folder] = stamp(status).modified
        }
        return stamps
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

        /// Links the published site's files in, and writes the twin's own manifest (the same files,
        /// its own folders' times); false (and the twin removed) when it could not.
        func finish(linking files: [String], from site: URL, manifest: [String: ManifestEntry]) -> Bool {
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
                  case let folderOrder = SiteManifest.folders(of: files),
                  let folders = try? StagingDirectory.stampFolders(folderOrder, in: url, known: { _ in nil }),
                  (try? Data(SiteManifest.text(files: manifest, order: files, folders: folders, folderOrder: folderOrder).utf8)
                    .write(to: url.appendingPathComponent(StagingDirectory.manifestName))) != nil else {
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
        // A site from before the marker existed holds only what we write; a fresh clone holds
        // Output/README.md alone (kept in git; the publication writes it again).
        let ours: Set<String> = ["index.html", "atom.xml", "assets", "README.md"]
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

extension Int64 {
    /// A non-negative decimal number written in ASCII digits, nil for anything else.
    init?(decimal bytes: Slice<UnsafeBufferPointer<UInt8>>) {
        guard !bytes.isEmpty, bytes.count <= 19 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times10.addingReportingOverflow(Int64(byte - 0x30))
            guard !overflow, !overflowSum else { return nil }
            value = sum
        }
        self = value
    }
}
