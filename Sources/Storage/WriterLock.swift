import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// The one writer path shared by every process on a database (daemon, daily run, editors).
///
/// SQLite's own busy handler polls with growing sleeps (up to 100 ms), so a process that writes
/// transaction after transaction (a round storing feed after feed) can starve another for as long
/// as it keeps writing, until its timeout surfaces "database is locked". Here writers queue on an
/// advisory lock (flock on `DATABASE.writer`) instead: a waiter sleeps in the kernel and is woken
/// the moment the current transaction ends, whatever the process. SQLite's locks still guard the
/// data; this only decides who goes next.
/// The file descriptor of a lock file beside the database (created if missing), for flock.
func openLockFile(_ path: String) throws -> Int32 {
    let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw StoreError("\(path): cannot open the lock file (\(String(cString: strerror(errno))))") }
    return descriptor
}

final class WriterLock: Sendable {
    private let descriptor: Int32

    init(databasePath: String) throws {
        descriptor = try openLockFile(databasePath + ".writer")
    }

    deinit { close(descriptor) }

    /// Runs `body` holding the lock. Called inside the pool's writer queue, so one thread per
    /// process asks for it at a time.
    func holding<T>(_ body: () throws -> T) throws -> T {
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw StoreError("cannot lock the database for writing (errno \(errno))") }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}

extension Store {
    /// A write transaction, taken in turn with every other writer of the database.
    func write<T>(_ updates: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            try writerLock.holding {
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try updates(db)
                    return .commit
                }
                return result!
            }
        }
    }

    /// Statements that must run outside a transaction (VACUUM INTO), in turn like the others.
    func writeOutsideTransaction<T>(_ updates: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in try writerLock.holding { try updates(db) } }
    }
}
