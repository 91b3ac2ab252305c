import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Held, shared, by every `Store` for as long as it is open (`DATABASE.open`): `restore` takes it
/// alone, so it never replaces a database that a daemon, the desk or a run has open.
final class OpenLock: Sendable {
    private let descriptor: Int32

    init(databasePath: String) throws {
        descriptor = try openLockFile(databasePath + ".open")
        // Waits only while a restore replaces the file.
        while flock(descriptor, LOCK_SH) != 0 {
            guard errno == EINTR else { throw StoreError("\(databasePath).open: cannot lock (errno \(errno))") }
        }
    }

    deinit { close(descriptor) }
}

/// Backups, their rotation, and restoring one (see docs/operations.md, « Backup, restore, upgrade »).
extension Store {
    /// A consistent copy of the live database (VACUUM INTO: online, compact, no lock held for
    /// long), refused if `destination` exists.
    public func backup(to destination: String) throws {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError("\(destination): already exists; choose a new file, a folder, or --force to replace it")
        }
        let directory = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try writeOutsideTransaction { db in
            try db.execute(sql: "VACUUM INTO ?", arguments: [destination])
        }
    }

    /// A copy over `destination`, replaced at once: written beside it, checked, then renamed,
    /// so that a reader (or a crash) never sees half a backup.
    public func backup(replacing destination: String) throws {
        let temporary = destination + ".partial-\(getpid())"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            try backup(to: temporary)
            try Self.checkCopy(at: temporary, thorough: false)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        guard rename(temporary, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw StoreError("\(destination): cannot be replaced (\(reason))")
        }
    }

    /// Copies in `folder` are named by their time, so that their names sort as they were taken.
    static let copyPrefix = "cyberveille-"
    static let copySuffix = ".sqlite"

    /// A dated copy in `folder` (`cyberveille-20261207-061500Z.sqlite`, UTC), checked; then, with
    /// `keep`, only the newest `keep` copies of that form stay (other files are never touched).
    public func backup(intoFolder folder: String, keep: Int?, now: Date = Date()) throws -> (copy: String, removed: [String]) {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        var copy = URL(fileURLWithPath: folder).appendingPathComponent(Self.copyPrefix + formatter.string(from: now) + "Z" + Self.copySuffix).path
        var attempt = 1
        while FileManager.default.fileExists(atPath: copy) {  // two backups in one second
            attempt += 1
            copy = URL(fileURLWithPath: folder).appendingPathComponent(
                Self.copyPrefix + formatter.string(from: now) + "Z-\(attempt)" + Self.copySuffix).path
        }
        try backup(replacing: copy)
        guard let keep else { return (copy, []) }
        let copies = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasPrefix(Self.copyPrefix) && $0.hasSuffix(Self.copySuffix) && $0.contains("Z") }
            .sorted(by: >)
        var removed: [String] = []
        for name in copies.dropFirst(max(keep, 1)) {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
            try FileManager.default.removeItem(atPath: path)
            removed.append(path)
        }
        return (copy, removed)
    }

    /// Refuses a file that is not a sound cyberveille database this version can open: not
    /// SQLite, damaged (`thorough`: every page read; else SQLite's quick check), or written by a
    /// newer version.
    public static func checkCopy(at path: String, thorough: Bool = true) throws {
        guard FileManager.default.isReadableFile(atPath: path) else { throw StoreError("\(path): no such file, or not readable") }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            let problems: [String] = try queue.read { db in
                var problems = try String.fetchAll(db, sql: thorough ? "PRAGMA integrity_check" : "PRAGMA quick_check").filter { $0 != "ok" }
                for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
                    problems.append("foreign key: row \(row[1] as Int64? ?? 0) of \(row[0] as String? ?? "?") points to a missing \(row[2] as String? ?? "?")")
                }
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('source', 'item', 'grdb_migrations')") ?? 0
                if tables < 3 { problems.append("not a cyberveille database (no source, item or migrations table)") }
                if tables == 3, try Migrations.migrator.hasBeenSuperseded(db) {
                    problems.append("written by a newer cyberveille than this one")
                }
                return problems
            }
            guard problems.isEmpty else {
                throw StoreError("\(path): not fit to restore: " + problems.prefix(5).joined(separator: "; "))
            }
        } catch let error as DatabaseError {
            throw StoreError("\(path): not fit to restore: \(error.message ?? error.description)")
        }
    }

    /// Puts a checked copy in the place of the database at `path`, refused while any process has
    /// it open. The database replaced is kept beside it, with its write-ahead log, as
    /// `PATH.replaced-20261207-061500Z`; returns that name (nil when there was none).
    public static func restore(from copy: String, to path: String, now: Date = Date()) throws -> String? {
        try checkCopy(at: copy, thorough: true)
        let lockPath = path + ".open"
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        let descriptor = try openLockFile(lockPath)
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw StoreError("\(path): in use by another process (the daemon, the desk or a run): stop it, then restore")
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let files = FileManager.default
        var replaced: String?
        if files.fileExists(atPath: path) {
            let kept = path + ".replaced-" + formatter.string(from: now) + "Z"
            // The log goes with its database, so that the copy kept opens as it was.
            for suffix in ["", "-wal", "-shm"] where files.fileExists(atPath: path + suffix) {
                guard rename(path + suffix, kept + suffix) == 0 else {
                    throw StoreError("\(path + suffix): cannot be moved aside (\(String(cString: strerror(errno))))")
                }
            }
            replaced = kept
        }
        let incoming = path + ".restoring-\(getpid())"
        try? files.removeItem(atPath: incoming)
        try files.copyItem(atPath: copy, toPath: incoming)
        guard rename(incoming, path) == 0 else {
            throw StoreError("\(path): cannot be written (\(String(cString: strerror(errno))))")
        }
        return replaced
    }
}
