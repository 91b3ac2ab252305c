import Foundation
import Model

#if canImport(Glibc)
import Glibc
#endif

/// What a site folder holds, as the publisher left it: each file with its fingerprint (what it
/// was made from) and its stamp (size and modification time once written), each folder with its
/// modification time. One line each in `.cyberveille-manifest.tsv`:
/// `fingerprint TAB size TAB modified TAB path`, folders with the fingerprint `dir` and a path
/// ending in `/`.
struct SiteManifest: Sendable {
    var files: [String: StagingDirectory.ManifestEntry] = [:]
    /// Folder path (no trailing slash) → modification time in nanoseconds. The top folder is not
    /// listed: writing the manifest changes it, so it is always read.
    var folders: [String: Int64] = [:]
    /// The folders in the manifest's order: each after its parent.
    var folderOrder: [String] = []

    /// nil when the text is not a manifest of this format (an older one has no stamps: its
    /// folder is then rebuilt once).
    init?(_ data: Data) {
        let parsed = data.withUnsafeBytes { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            files.reserveCapacity(bytes.count / 80)
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                if end > start {
                    var tabs: [Int] = []
                    var index = start
                    while index < end, tabs.count < 3 {
                        if bytes[index] == 0x09 { tabs.append(index) }
                        index += 1
                    }
                    guard tabs.count == 3, let size = Int64(decimal: bytes[(tabs[0] + 1)..<tabs[1]]),
                          let modified = Int64(decimal: bytes[(tabs[1] + 1)..<tabs[2]]) else { return false }
                    let path = String(decoding: bytes[(tabs[2] + 1)..<end], as: UTF8.self)
                    if path.hasSuffix("/") {
                        let folder = String(path.dropLast())
                        if folders.updateValue(modified, forKey: folder) == nil { folderOrder.append(folder) }
                    } else {
                        files[path] = StagingDirectory.ManifestEntry(
                            fingerprint: String(decoding: bytes[start..<tabs[0]], as: UTF8.self),
                            stamp: StagingDirectory.FileStamp(size: size, modified: modified))
                    }
                }
                start = end + 1
            }
            return true
        }
        guard parsed else { return nil }
    }


    /// The manifest's text: files in `order`, then folders in `folderOrder`.
    static func text(files: [String: StagingDirectory.ManifestEntry], order: [String], folders: [String: Int64],
                     folderOrder: [String]) -> String {
        var lines = ""
        lines.reserveCapacity(order.count * 100 + folders.count * 50)
        for file in order {
            let entry = files[file]!
            lines += entry.fingerprint
            lines += "\t"
            lines += String(entry.stamp.size)
            lines += "\t"
            lines += String(entry.stamp.modified)
            lines += "\t"
            lines += file
            lines += "\n"
        }
        for folder in folderOrder {
            lines += "dir\t0\t"
            lines += String(folders[folder]!)
            lines += "\t"
            lines += folder
            lines += "/\n"
        }
        return lines
    }

    /// The folders holding `files` (every ancestor, the top one excluded), each once, each
    /// after its parent.
    static func folders(of files: [String]) -> [String] {
        var seen = Set<String>()
        seen.reserveCapacity(files.count)
        var folders: [String] = []
        folders.reserveCapacity(files.count)
        var new: [String] = []
        for file in files {
            var path = Substring(file)
            new.removeAll(keepingCapacity: true)
            while let slash = path.lastIndex(of: "/") {
                path = path[..<slash]
                let folder = String(path)
                guard seen.insert(folder).inserted else { break }
                new.append(folder)
            }
            folders.append(contentsOf: new.reversed())
        }
        return folders
    }
}

/// Checks a site folder against its manifest before it is trusted, cheaply: a `stat` per file
/// (a regular file, with the size and modification time written down) and per folder (its
/// modification time: adding, removing or replacing an entry changes it); only the folders whose
/// time changed, and the top one, are listed, to find what the publisher did not write.
enum SiteInspection {
    struct Result {
        /// Files and folders found as the manifest says.
        var files: [String: StagingDirectory.ManifestEntry] = [:]
        var folders: [String: Int64] = [:]
        /// What differs: changed or missing files, and entries the publisher did not write.
        var problems: [String] = []
        /// Folders whose content was changed by the repair (to stamp again).
        var touched = Set<String>()
    }

    /// With `repair`, what is not intact is removed: changed files are written again by the
    /// publication, and nothing it did not write is ever served.
    static func inspect(_ folder: URL, against manifest: SiteManifest, ownFiles: Set<String>, repair: Bool) -> Result {
        var result = Result()
        let root = open(folder.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard root >= 0 else {
            result.problems = manifest.files.keys.sorted()
            return result
        }
        defer { close(root) }
        // Folders that are not there, or not folders: everything in them is missing.
        var lost = Set<String>()
        func isInLost(_ path: String) -> Bool { isInside(path, anyOf: lost) }
        func remove(_ path: String, status: stat) {
            result.problems.append(path)
            guard repair else { return }
            if status.st_mode & S_IFMT == S_IFDIR {
                try? FileManager.default.removeItem(atPath: folder.path + "/" + path)
            } else {
                unlinkat(root, path, 0)
            }
            result.touched.insert(parent(of: path))
        }

        // A stat per folder, from two threads; then, in the manifest's order (each folder after
        // its parent), what is not a folder is removed, and nothing is done through it.
        let order = manifest.folderOrder
        let statuses = statuses(of: order, in: root)
        var toList: [String] = [""]
        for (path, found) in zip(order, statuses) {
            if isInLost(path) {
                lost.insert(path)
                continue
            }
            guard let status = found else {
                lost.insert(path)
                continue
            }
            guard status.st_mode & S_IFMT == S_IFDIR else {
                remove(path, status: status)
                lost.insert(path)
                continue
            }
            let modified = StagingDirectory.stamp(status).modified
            if modified == manifest.folders[path] {
                result.folders[path] = modified
            } else {
                toList.append(path)
            }
        }
        // The folders whose time changed are listed, cleaned, and stamped again at the commit.
        list(toList, in: root, manifest: manifest, ownFiles: ownFiles, lost: lost, remove: remove)
        result.touched.formUnion(toList)
        // A stat per file, from two threads: a large site has a hundred thousand.
        let entries = Array(manifest.files)
        let half = entries.count / 2
        let lostFolders = lost
        let verdicts = [entries[..<half], entries[half...]].concurrentMap { part in
            part.map { path, entry -> Bool? in  // true: intact, false: differs, nil: not there
                guard !isInside(path, anyOf: lostFolders) else { return nil }
                var status = stat()
                guard fstatat(root, path, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
                return status.st_mode & S_IFMT == S_IFREG && StagingDirectory.stamp(status) == entry.stamp
            }
        }.joined()
        for ((path, entry), verdict) in zip(entries, verdicts) {
            switch verdict {
            case true?: result.files[path] = entry
            case nil: result.problems.append(path)
            case false?:
                var status = stat()
                if fstatat(root, path, &status, AT_SYMLINK_NOFOLLOW) == 0 { remove(path, status: status) } else { result.problems.append(path) }
            }
        }
        result.problems.sort()
        return result
    }

    /// Removes from each folder what the manifest does not name there.
    private static func list(_ folders: [String], in root: Int32, manifest: SiteManifest, ownFiles: Set<String>, lost: Set<String>,
                             remove: (String, stat) -> Void) {
        // What each listed folder should hold, by name.
        let wanted = Set(folders)
        var expected: [String: Set<String>] = [:]
        func expect(_ path: String) {
            let folder = parent(of: path)
            guard wanted.contains(folder) else { return }
            expected[folder, default: []].insert(folder.isEmpty ? path : String(path.dropFirst(folder.count + 1)))
        }
        manifest.files.keys.forEach(expect)
        manifest.folders.keys.forEach(expect)
        expected["", default: []].formUnion(ownFiles)
        for folder in folders where !lost.contains(folder) {
            let descriptor = folder.isEmpty ? dup(root) : openat(root, folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0, let stream = fdopendir(descriptor) else {
                if descriptor >= 0 { close(descriptor) }
                continue
            }
            var names: [String] = []
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(stream)
            let kept = expected[folder] ?? []
            for name in names where !kept.contains(name) {
                let path = folder.isEmpty ? name : folder + "/" + name
                var status = stat()
                guard fstatat(root, path, &status, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                remove(path, status)
            }
        }
    }

    /// `fstatat` of each path (not following a last symbolic link), from two threads; nil when
    /// there is nothing there.
    private static func statuses(of paths: [String], in root: Int32) -> [stat?] {
        let half = paths.count / 2
        return Array([paths[..<half], paths[half...]].concurrentMap { part in
            part.map { path -> stat? in
                var status = stat()
                return fstatat(root, path, &status, AT_SYMLINK_NOFOLLOW) == 0 ? status : nil
            }
        }.joined())
    }

    /// Whether a folder of `path` is one of `folders`.
    static func isInside(_ path: String, anyOf folders: Set<String>) -> Bool {
        guard !folders.isEmpty else { return false }
        var current = Substring(path)
        while let slash = current.lastIndex(of: "/") {
            current = current[..<slash]
            if folders.contains(String(current)) { return true }
        }
        return false
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}
