import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One run at a time per database: a cron run, the daemon's rounds and an editor's `publish`
/// must not write the same site and rows together. An advisory lock (flock) on `DATABASE.lock`,
/// released when the process ends, however it ends. A run waits for the one holding it, up to
/// `waitSeconds`.
final class RunLock: Sendable {
    let path: String
    private let descriptor: Int32

    init(databasePath: String, waitSeconds: TimeInterval = 600) throws {
        path = databasePath + ".lock"
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw RunLockError("\(path): cannot open the lock file") }
        let deadline = Date().addingTimeInterval(waitSeconds)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard Date() < deadline else {
                close(descriptor)
                throw RunLockError("\(path): another cyberveille run has held this database for \(Int(waitSeconds)) s; try again when it ends")
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

public struct RunLockError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
